"""TelecomX network-management API: `/auth/...` and `/network/...`.

Sources (all in shared/docs/api/), cited in comments as `<page>:L<n>`:
  create.txt  telecomx-network-device-create.txt (verbatim wiki page)
  update.txt  telecomx-network-device-update.txt (verbatim wiki page)
  btd.md      beyond-the-docs.md Part B (the other wiki pages, digested)

Every handler says `# documented:` (page and line) or `# inferred:` (and why).
Where the wiki contradicts itself the choice is marked `# conflict:`.

Simulator knobs (`--set NAME=VALUE`, or the State attributes of the same role):
  telecomx_provision_seconds  how long one provisioning job runs (default 2)
  telecomx_delete_seconds     how long a deleted device stays DELETING (default 2)
  telecomx_model_list_key     the model list's array key (default "networkDevices")

Time is `world.now()` (epoch seconds). Provisioning, deletion and token expiry
are settled lazily from recorded end times on every request: no background
tasks, and a test that moves the world's clock moves them too.
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import heapq
import ipaddress
import itertools
import json
import re
import secrets
import traceback

from starlette.responses import JSONResponse
from starlette.routing import Route

TOKEN_MINUTES = 15  # documented: btd.md:L161, L176 (`expiresInMinutes` default 15, -1 with persist)
LIMIT_DEFAULT = 100  # documented: btd.md:L198 (device list), L224 (model list)
LIMIT_MAX = 500  # documented: same lines
PASSWORD = "sim-password"  # documented: SPEC section 6 (the seed's credentials)

# documented: btd.md:L263 (the levels), L269-278 (which call needs which).
LIST_LEVELS = frozenset(("VIEWER", "MANAGER", "OWNER", "RESELLER", "RESELLER_ADMIN", "ADMIN"))
GET_LEVELS = LIST_LEVELS - {"RESELLER_ADMIN"}  # btd.md:L210: not listed for get
WRITE_LEVELS = frozenset(("MANAGER", "OWNER", "RESELLER", "ADMIN"))  # create.txt:L18-20, update.txt:L10
ADMIN_LEVELS = frozenset(("RESELLER_ADMIN", "ADMIN"))  # btd.md:L203, L226

MODELS = (  # name, brand, type, description, capabilities (model object: btd.md:L226)
    (
        "XVS-200",
        "TP-LINK",
        "ROUTER",
        "5G router with 2.4/5GHz wifi and 3 ethernet ports",  # create.txt:L163-164
        dict(wifi=True, wifi2G=True, wifi5G=True, wifi6G=False, simSupport=True),
    ),
    (
        "XVS-700",
        "TP-LINK",
        "ROUTER",
        "Fibre router with 2.4/5/6GHz wifi and 4 ethernet ports",
        dict(wifi=True, wifi2G=True, wifi5G=True, wifi6G=True, simSupport=False),
    ),
    (
        "XM-100",
        "TP-LINK",
        "ROUTER",
        "4G router with 2.4GHz wifi and 1 ethernet port",
        dict(wifi=True, wifi2G=True, wifi5G=False, wifi6G=False, simSupport=True),
    ),
    ("XS-108", "NETGEAR", "SWITCH", "8-port gigabit switch", dict(wifi=False, wifi2G=False, wifi5G=False, wifi6G=False, simSupport=False)),
)

# The device's `wifi` and `dhcp` objects, keys exactly as create.txt:L29-50 names them.
WIFI_KEYS = ("enabled", "ssid", "password", "enabled5G", "ssid5G", "password5G", "enabled6G", "ssid6G", "password6G", "bandsteering")
WIFI_BANDS = (("enabled", "ssid", "password", "wifi2G"), ("enabled5G", "ssid5G", "password5G", "wifi5G"), ("enabled6G", "ssid6G", "password6G", "wifi6G"))
DHCP_KEYS = ("enable", "ipPoolStart", "ipPoolEnd", "leaseTime", "primaryDnsServer", "reservedClients")
RESERVATION_KEYS = ("mac", "ip", "enable", "id")
CREATE_KEYS = ("name", "model", "customer", "macAddress", "serialNumber", "mvnoAccount", "notes", "wifi", "dhcp")
# documented: update.txt:L14-37 (name, notes, wifi, dhcp). conflict: the update page's error table
# (update.txt:L110) keeps 422 macAddress while its body table drops macAddress and its error table
# drops 404 customer; the author edited that table, so we read it as "macAddress may be changed".
UPDATE_KEYS = ("name", "notes", "wifi", "dhcp", "macAddress")

MAC_RE = re.compile(r"[0-9A-Fa-f]{12}")
HEX64_RE = re.compile(r"[0-9A-Fa-f]{64}")


class ApiError(Exception):
    """An error reply. Status and key are the wiki's error tables ("Error code", "Message").

    inferred: the JSON shape of an error body is undocumented (btd.md:L254); we answer
    {"success": false, "error": <the table's Message key>, "message": <text>}, mirroring the
    documented `{success: true}` of successful actions (btd.md:L255). One shape for all errors.
    """

    def __init__(self, status, key, message):
        Exception.__init__(self, message)
        self.status, self.key, self.message = status, key, message

    def response(self):
        return JSONResponse({"success": False, "error": self.key, "message": self.message}, status_code=self.status)


def _type_error(path, expected):
    # documented: create.txt:L227 409 `type` "Value is not one of the permitted values".
    # inferred: used for a value of the wrong JSON type and for an id that names nothing permitted.
    return ApiError(409, "type", "%s: Value is not one of the permitted values (%s)" % (path, expected))


def _oid(tag, n):
    """A 24-hex id (btd.md:L241), ObjectId-like: time, a per-kind tag, a counter."""
    return "66a1f3c0%s%06x" % (tag, n)


def _iso(epoch):
    # documented: create.txt:L201 ("2025-01-01T00:00:00.000Z")
    when = datetime.datetime.fromtimestamp(epoch, datetime.timezone.utc)
    return when.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (when.microsecond // 1000)


@dataclasses.dataclass
class Token(object):
    employee: str
    expires: float | None  # None: persist (never expires)
    cookie: bool


class Device(object):
    """One network device: `doc` holds the writable properties under their API names."""

    __slots__ = ("doc", "jobs", "provisioned", "online", "since", "delete_at", "net")

    def __init__(self, doc, net, provisioned=False, online=False, since=None):
        self.doc, self.net = doc, net
        self.jobs = []  # end times of the provisioning jobs not yet finished
        self.provisioned, self.online, self.since = provisioned, online, since
        self.delete_at = None


class State(object):
    def __init__(self, world):
        self.world = world
        fleet = world.seed
        self.provision_seconds = float(fleet.setting("telecomx_provision_seconds", 2.0))
        self.delete_seconds = float(fleet.setting("telecomx_delete_seconds", 2.0))
        self.model_list_key = str(fleet.setting("telecomx_model_list_key", "networkDevices"))
        self.customers = {}  # id -> {"_id", "name"}
        self.users = {}  # username -> employee record
        self.tokens = {}  # token -> Token
        self.models = {}  # id -> model object
        self.devices = {}  # id -> Device
        self.by_customer = {}  # customer id -> {device id: Device}, in creation order (list order)
        self.macs = {}  # macAddress -> device id (MACs are unique platform-wide)
        self._deleting = []  # heap of (delete_at, device id)
        self._device_ids = itertools.count(1)
        self._seed(fleet, world.now())

    # ---- seed ------------------------------------------------------------------

    def _seed(self, fleet, now):
        rng = fleet.rng("telecomx")
        main = self._add_customer("Sim Customer A/S")
        other = self._add_customer("Other Customer ApS")  # owns one device: scope (403) tests
        for n, (username, level, name) in enumerate((("manager@example.com", "MANAGER", "Sim Manager"), ("viewer@example.com", "VIEWER", "Sim Viewer")), 1):
            self.users[username] = dict(employee=_oid("e0e0e0e0e0", n), customer=main, accessLevel=level, name=name, password=PASSWORD)
        for n, (name, brand, kind, description, caps) in enumerate(MODELS, 1):
            model_id = _oid("a0a0a0a0a0", n)
            self.models[model_id] = {
                "_id": model_id,
                "brand": brand,
                "name": name,
                "type": kind,
                "picture": _oid("b0b0b0b0b0", n),
                "description": description,
                "capabilities": dict(caps),
            }
        models = list(self.models.values())
        for index in range(fleet.size):
            self._seed_device(main, "tx-site-%04d" % (index + 1), models[index % len(models)], rng, now)
        self._seed_device(other, "other-site-0001", models[0], rng, now)

    def _add_customer(self, name):
        customer_id = _oid("c0c0c0c0c0", len(self.customers) + 1)
        self.customers[customer_id] = {"_id": customer_id, "name": name}
        self.by_customer[customer_id] = {}
        return customer_id

    def _seed_device(self, customer, name, model, rng, now):
        n = next(self._device_ids)
        caps = model["capabilities"]
        wifi = dhcp = None
        if caps["wifi"]:
            wifi = dict.fromkeys(WIFI_KEYS)
            wifi["bandsteering"] = False
            for (enabled, ssid, password, cap), suffix in zip(WIFI_BANDS, ("", "-5G", "-6G")):
                wifi[enabled] = caps[cap]
                if caps[cap]:
                    wifi[ssid], wifi[password] = name + suffix, "sim-wifi-%04d" % n
        if model["type"] == "ROUTER":
            dhcp = {
                "enable": True,
                "ipPoolStart": "192.168.1.100",
                "ipPoolEnd": "192.168.1.200",
                "leaseTime": 1440,
                "primaryDnsServer": "192.168.1.1",
                "reservedClients": [],
            }
            if n % 10 == 1:
                dhcp["reservedClients"].append(self._reservation_record({"mac": "0200000%05x" % n, "ip": "192.168.1.10", "enable": True}))
        doc = {
            "_id": _oid("d0d0d0d0d0", n),
            "name": name,
            "model": model["_id"],
            "customer": customer,
            "macAddress": "02c0de%06x" % n,
            "serialNumber": "%s%08d" % (model["name"].replace("-", ""), n),
            "mvnoAccount": _oid("f0f0f0f0f0", n) if caps["simSupport"] else None,
            "notes": None,
            "wifi": wifi,
            "dhcp": dhcp,
        }
        online = n % 9 != 0  # some offline devices, deterministically
        since = now - rng.randint(3600, (30 if online else 3) * 86400)  # boot time, or last contact
        self._insert(Device(doc, n, provisioned=True, online=online, since=since))

    def _insert(self, device):
        doc = device.doc
        self.devices[doc["_id"]] = device
        self.by_customer[doc["customer"]][doc["_id"]] = device
        self.macs[doc["macAddress"]] = doc["_id"]

    # ---- contract with the core ------------------------------------------------------

    def dump(self):
        now = self.world.now()
        self.settle(now)
        return {
            "customers": list(self.customers.values()),
            "users": [
                dict(username=name, employee=user["employee"], customer=user["customer"], accessLevel=user["accessLevel"]) for name, user in self.users.items()
            ],
            "tokens": {"issued": len(self.tokens), "valid": sum(1 for token in self.tokens.values() if token.expires is None or token.expires > now)},
            "models": list(self.models.values()),
            "devices": [self.render(device, now, True) for device in self.devices.values()],
            "settings": {"provision_seconds": self.provision_seconds, "delete_seconds": self.delete_seconds, "model_list_key": self.model_list_key},
        }

    def expire_tokens(self):
        # Fault "token expiry": the next call with any issued token (persistent ones too) gets 401 `expired`.
        for token in self.tokens.values():
            token.expires = 0.0

    # ---- time -------------------------------------------------------------------

    def settle(self, now):
        """Remove the deleted devices whose de-provisioning has finished."""
        while self._deleting and self._deleting[0][0] <= now:
            device_id = heapq.heappop(self._deleting)[1]
            device = self.devices.pop(device_id)
            del self.by_customer[device.doc["customer"]][device_id]
            del self.macs[device.doc["macAddress"]]

    def _finish_jobs(self, device, now):
        if device.jobs and device.jobs[0] <= now:
            last = device.jobs[-1]
            device.jobs = [end for end in device.jobs if end > now]
            if not device.jobs and not device.provisioned:
                # inferred: a new device comes online when its provisioning has finished.
                device.provisioned, device.online, device.since = True, True, last

    def queue_job(self, device, now):
        # inferred: every accepted create/update queues one provisioning job (btd.md:L232 documents
        # `jobs` and PROVISIONING, not what starts them); jobs run one after another.
        device.jobs.append(max([now] + device.jobs) + self.provision_seconds)

    # ---- auth --------------------------------------------------------------------

    def authenticate(self, request, now):
        # documented: btd.md:L169 (`?token=` on every call), L170 (a cookie if login asked for one).
        value = request.query_params.get("token")
        token = self.tokens.get(value) if value else None
        if value is None:
            # inferred: the cookie's name is undocumented (btd.md:L170); ours is `token`, honoured
            # only for tokens issued with `cookie: true`.
            token = self.tokens.get(request.cookies.get("token") or "")
            token = token if token is not None and token.cookie else None
        if token is None:
            # documented: btd.md:L178 401 `credentials_invalid` "login required".
            raise ApiError(401, "credentials_invalid", "Login required")
        if token.expires is not None and now >= token.expires:
            # documented: btd.md:L178 401 `expired`. inferred: the 15 minutes run from login, not
            # from the last use (btd.md:L177 says that is unstated; fixed is the stricter choice).
            raise ApiError(401, "expired", "Session expired")
        return token

    def user_of(self, token):
        return next(user for user in self.users.values() if user["employee"] == token.employee)

    def customer_for(self, user, customer_id, path="customer"):
        if not isinstance(customer_id, str):
            raise _type_error(path, "an Id")
        if customer_id not in self.customers:
            raise ApiError(404, "customer", "Customer not found")  # documented: create.txt:L229
        if user["accessLevel"] not in ADMIN_LEVELS and customer_id != user["customer"]:
            # documented: btd.md:L266 (VIEWER/MANAGER/OWNER only for their own customer);
            # create.txt:L228 403 `access_denied`. inferred: RESELLER is treated like OWNER here
            # (the simulator has no resellers).
            raise ApiError(403, "access_denied", "Insufficient access level")
        return customer_id

    def device_for(self, user, device_id, now):
        device = self.devices.get(device_id)
        if device is None:
            # inferred: btd.md:L212 expects a 404 for an unknown device; its key `id` is the wiki's
            # convention for a missing resource id (btd.md:L187, L248).
            raise ApiError(404, "id", "Network device not found")
        self.customer_for(user, device.doc["customer"])
        self._finish_jobs(device, now)
        return device

    # ---- rendering ----------------------------------------------------------------

    def render(self, device, now, full):
        self._finish_jobs(device, now)
        doc, model = device.doc, self.models[device.doc["model"]]
        jobs = len(device.jobs) + (device.delete_at is not None)  # inferred: de-provisioning is a job too
        state = "DELETING" if device.delete_at is not None else "PROVISIONING" if device.jobs else "ACTIVE"
        # inferred: an online device checks in every minute; an offline one was last heard at `since`.
        last_comm = None if device.since is None else _iso(now - (now - device.since) % 60 if device.online else device.since)
        if not full:
            # documented: btd.md:L201 (the condensed item; provisioned/lastComm/online at the top level).
            # inferred: wifiEnabled = any band enabled; dhcpEnabled = dhcp.enable.
            wifi, dhcp = doc["wifi"], doc["dhcp"]
            item = {
                "_id": doc["_id"],
                "state": state,
                "name": doc["name"],
                "model": model["_id"],
                "modelType": model["type"],
                "modelBrand": model["brand"],
                "modelPicture": model["picture"],
                "macAddress": doc["macAddress"],
                "jobs": jobs,
                "wifiEnabled": bool(wifi and (wifi["enabled"] or wifi["enabled5G"] or wifi["enabled6G"])),
                "dhcpEnabled": bool(dhcp and dhcp["enable"]),
                "provisioned": device.provisioned,
                "lastComm": last_comm,
                "online": device.online,
            }
            return _drop_empty(item)
        # documented: create.txt:L93-151 (the reply table; also update.txt:L42-101, btd.md:L211 for get).
        # documented: create.txt:L111, L114, L117 and the example L175: the reply carries the wifi
        # passwords in clear, so GET returns them too (btd.md:L211: the same object).
        item = {
            "_id": doc["_id"],
            "state": state,
            "name": doc["name"],
            "model": model["_id"],
            "modelType": model["type"],
            "modelBrand": model["brand"],
            "modelDescription": model["description"],
            "modelPicture": model["picture"],
            "customer": doc["customer"],
            "macAddress": doc["macAddress"],
            "serialNumber": doc["serialNumber"],
            "mvnoAccount": doc["mvnoAccount"],
            "jobs": jobs,
            "notes": doc["notes"],
            "wifi": doc["wifi"],
            "dhcp": doc["dhcp"],
            "status": self._status(device, model, now, last_comm),
        }
        # documented: create.txt:L153 "properties holding no value may be omitted" -- we omit them,
        # except wifi/dhcp, which are documented as null when unused (create.txt:L29, L40).
        return _drop_empty(item, keep=("wifi", "dhcp"))

    def _status(self, device, model, now, last_comm):
        # documented: create.txt:L130-151 and the example L199-221. inferred: the values (addresses
        # from the device's number); live values only while online; mobile ones only on SIM models.
        status = {"provisioned": device.provisioned, "lastComm": last_comm, "online": device.online}
        if not device.online:
            return _drop_empty(status)
        n = device.net
        status.update(
            lanIp="192.168.1.1",
            subnetMask="255.255.255.0",
            gateway="100.64.%d.1" % (n // 250 % 256),
            wanIp="100.64.%d.%d" % (n // 250 % 256, n % 250 + 2),
            publicIp="198.51.100.%d" % (n % 254 + 1),
            upTime=int(now - device.since),
            dns="8.8.8.8",
            dns2="1.1.1.1",
            ipv6="",
            ipv6Dns="",
            ipv6Dns2="",
        )
        if model["capabilities"]["simSupport"]:
            status.update(
                simStatus="1",
                networkType="32" if model["name"].startswith("XVS") else "8",
                signalStrength=40 + n % 60,
                ssSingnalStrength=30 + n % 70,
                uplinkRate=1000 + n % 9000,
                downlinkRate=5000 + n % 50000,
                connectionTime=int(now - device.since),
            )
        return status

    # ---- writes -------------------------------------------------------------------

    @staticmethod
    def _reservation_record(client):
        # documented: create.txt:L50 the id is "as assigned by the device". inferred: assigned at
        # write time, deterministically (from the client's MAC), when the client sends none.
        if not client.get("id"):
            client["id"] = hashlib.sha1(client["mac"].encode()).hexdigest()[:8]
        return client

    def create(self, user, body, now):
        _reject_unknown(body, CREATE_KEYS)
        # inferred: `customer` defaults to the user's own, as on the list (btd.md:L196).
        customer = body.get("customer")
        customer = self.customer_for(user, user["customer"] if customer is None else customer)
        for key in ("name", "model", "macAddress"):
            # inferred: the pages mark nothing required; a device needs a name, a model and its MAC
            # (the identity the 422 protects). 400 with the field's name as key (btd.md:L251, L253).
            if body.get(key) in (None, ""):
                raise ApiError(400, key, "%s is required" % key)
        model = self._model(body["model"])
        name = _string(body, "name", nullable=False, minimum=1)
        doc = {
            "_id": None,
            "name": name,
            "model": model["_id"],
            "customer": customer,
            "macAddress": _mac(body["macAddress"], "macAddress"),
            "serialNumber": _string(body, "serialNumber"),
            "mvnoAccount": _id_or_none(body, "mvnoAccount"),
            "notes": _string(body, "notes"),
            "wifi": _merge_wifi(body.get("wifi"), None),
            "dhcp": self._merge_dhcp(body.get("dhcp"), None),
        }
        _check_capabilities(doc["wifi"], model)
        if doc["macAddress"] in self.macs:
            raise ApiError(422, "macAddress", "MAC address is already in use.")  # documented: create.txt:L230
        number = next(self._device_ids)
        doc["_id"] = _oid("d0d0d0d0d0", number)
        device = Device(doc, number)
        self._insert(device)
        self.queue_job(device, now)
        return device

    def update(self, device, body, now):
        if device.delete_at is not None:
            # inferred: no page covers writes to a device being deleted; refuse them.
            raise ApiError(409, "state", "The device is being deleted")
        _reject_unknown(body, UPDATE_KEYS)
        # documented: update.txt:L38 "Only properties to update needs to be provided." Everything is
        # validated before anything changes. inferred: wifi/dhcp merge key by key (the page's own
        # example sends only ssid and password, update.txt:L40); reservedClients is replaced whole.
        doc, changes = device.doc, {}
        if "name" in body:
            changes["name"] = _string(body, "name", nullable=False, minimum=1)
        if "notes" in body:
            changes["notes"] = _string(body, "notes")
        if "wifi" in body:
            changes["wifi"] = _merge_wifi(body["wifi"], doc["wifi"])
            _check_capabilities(changes["wifi"], self.models[doc["model"]])
        if "dhcp" in body:
            changes["dhcp"] = self._merge_dhcp(body["dhcp"], doc["dhcp"])
        if "macAddress" in body:
            mac = _mac(body["macAddress"], "macAddress")
            if self.macs.get(mac, doc["_id"]) != doc["_id"]:
                raise ApiError(422, "macAddress", "MAC address is already in use.")  # documented: update.txt:L110
            del self.macs[doc["macAddress"]]
            self.macs[mac] = doc["_id"]
            changes["macAddress"] = mac
        doc.update(changes)
        self.queue_job(device, now)

    def delete(self, device, now):
        if device.delete_at is not None:
            raise ApiError(409, "state", "The device is being deleted")  # inferred, as in update
        # inferred: btd.md:L218 -- DELETING (a documented state, create.txt:L95) until de-provisioning
        # ends, then gone; its MAC stays in use until then.
        device.jobs = []
        device.delete_at = now + self.delete_seconds
        heapq.heappush(self._deleting, (device.delete_at, device.doc["_id"]))

    def _model(self, model_id):
        if not isinstance(model_id, str) or model_id not in self.models:
            # documented: create.txt:L23 (`model` is the model's Id). inferred: an unknown id is "not
            # one of the permitted values" (409 type), the create page having no 404 `model`.
            raise _type_error("model", "the Id of a network device model")
        return self.models[model_id]

    def _merge_dhcp(self, value, current):
        # documented: create.txt:L40-50 (keys), L40 (null when not used), L44 (leaseTime in minutes).
        if value is None:
            return None
        if not isinstance(value, dict):
            raise _type_error("dhcp", "an Object or null")
        _reject_unknown(value, DHCP_KEYS, "dhcp.")
        merged = dict(current or {"enable": False, "ipPoolStart": None, "ipPoolEnd": None, "leaseTime": None, "primaryDnsServer": None, "reservedClients": []})
        for key, item in value.items():
            path = "dhcp." + key
            if key == "enable":
                merged[key] = _boolean(item, path)
            elif key == "leaseTime":
                if item is not None and (isinstance(item, bool) or not isinstance(item, int)):
                    raise _type_error(path, "a Number of minutes")
                if item is not None and item < 1:
                    raise ApiError(400, path, "%s must be at least 1 minute" % path)
                merged[key] = item
            elif key == "reservedClients":
                if item is not None and not isinstance(item, list):
                    raise _type_error(path, "an Array")
                clients = [self._reservation("%s[%d]" % (path, i), client) for i, client in enumerate(item or [])]
                if len(set(client["mac"] for client in clients)) != len(clients):
                    raise ApiError(400, path, "%s: a MAC address is reserved twice" % path)
                merged[key] = clients
            else:
                merged[key] = _ipv4(item, path)
        if merged["enable"]:
            # inferred: a DHCP server needs a pool.
            for key in ("ipPoolStart", "ipPoolEnd"):
                if merged[key] is None:
                    raise ApiError(400, "dhcp." + key, "dhcp.%s is required when dhcp.enable is true" % key)
            if ipaddress.IPv4Address(merged["ipPoolStart"]) > ipaddress.IPv4Address(merged["ipPoolEnd"]):
                raise ApiError(400, "dhcp.ipPoolEnd", "dhcp.ipPoolEnd is below dhcp.ipPoolStart")
        return merged

    def _reservation(self, path, client):
        if not isinstance(client, dict):
            raise _type_error(path, "an Object")
        _reject_unknown(client, RESERVATION_KEYS, path + ".")
        for key in ("mac", "ip"):
            if client.get(key) is None:
                raise ApiError(400, "%s.%s" % (path, key), "%s.%s is required" % (path, key))
        enable = client.get("enable", True)  # inferred: a reservation sent without `enable` is active
        if isinstance(enable, str) and enable.lower() in ("true", "false"):
            # conflict: create.txt:L49 types `enable` as String, its example L84 sends a boolean. We
            # accept both and answer with a boolean, as the reply example does (create.txt:L194).
            enable = enable.lower() == "true"
        record = {
            "mac": _mac(client["mac"], path + ".mac"),
            "ip": _ipv4(client["ip"], path + ".ip"),
            "enable": _boolean(enable, path + ".enable"),
            "id": _string(client, "id", path=path + ".id"),
        }
        return self._reservation_record(record)


# ---- validation helpers -------------------------------------------------------------


def _reject_unknown(body, allowed, prefix=""):
    # inferred: the pages list the request properties; anything else (e.g. the update example's
    # `network`, update.txt:L40, or read-only reply fields like `status`) is refused, 400 with
    # the property's name, so a client that sends what the API does not take cannot pass here.
    for key in body:
        if key not in allowed:
            raise ApiError(400, prefix + key, "%s%s is not a property this request takes" % (prefix, key))


def _string(body, key, nullable=True, minimum=0, maximum=None, path=None):
    path, value = path or key, body.get(key)
    if value is None and nullable:
        return None
    if not isinstance(value, str):
        raise _type_error(path, "a String")
    if len(value) < minimum or (maximum is not None and len(value) > maximum):
        raise ApiError(400, path, "%s must be %d to %s characters" % (path, minimum, maximum or "any"))
    return value


def _boolean(value, path):
    # conflict: dhcp.enable and wifi.enabled* are Boolean in the tables (create.txt:L30, L41); only
    # reservedClients[].enable is typed String (handled by the caller). Booleans must be booleans.
    if not isinstance(value, bool):
        raise _type_error(path, "a Boolean")
    return value


def _mac(value, path):
    # documented: MACs are 12 hex digits without separators (create.txt:L58, L83; btd.md:L241).
    # inferred: other notations are refused (400), and MACs are stored in lower case, so a client
    # must normalise what it sends and compare case-insensitively.
    if not isinstance(value, str):
        raise _type_error(path, "a String")
    if not MAC_RE.fullmatch(value):
        raise ApiError(400, path, "%s must be 12 hexadecimal digits without separators" % path)
    return value.lower()


def _ipv4(value, path):
    if value is None:
        return None
    if not isinstance(value, str):
        raise _type_error(path, "a String")
    try:
        return str(ipaddress.IPv4Address(value))
    except ValueError:
        raise ApiError(400, path, "%s is not an IPv4 address" % path)


def _id_or_none(body, key):
    value = _string(body, key)
    if value is not None and not re.fullmatch(r"[0-9A-Fa-f]{24}", value):
        raise _type_error(key, "an Id (24 hexadecimal digits)")  # documented: ids are 24 hex (btd.md:L241)
    return value


def _merge_wifi(value, current):
    # documented: create.txt:L29-39 (keys, camelCase), L29 (null when not used).
    if value is None:
        return None
    if not isinstance(value, dict):
        raise _type_error("wifi", "an Object or null")
    _reject_unknown(value, WIFI_KEYS, "wifi.")
    merged = dict(current or dict(dict.fromkeys(WIFI_KEYS), enabled=False, enabled5G=False, enabled6G=False, bandsteering=False))
    for key, item in value.items():
        path = "wifi." + key
        if key.startswith("enabled") or key == "bandsteering":
            merged[key] = _boolean(item, path)
        elif key.startswith("ssid"):
            merged[key] = _string(value, key, minimum=1, maximum=32, path=path)  # inferred: 802.11 SSID length
        else:
            # inferred: WPA2 passphrase rules (8-63 characters, or 64 hex digits); null = open network.
            if isinstance(item, str) and HEX64_RE.fullmatch(item):
                merged[key] = item
            else:
                merged[key] = _string(value, key, minimum=8, maximum=63, path=path)
    for enabled, ssid in (band[:2] for band in WIFI_BANDS):
        if merged[enabled] and not merged[ssid]:
            raise ApiError(400, "wifi." + ssid, "wifi.%s is required when wifi.%s is true" % (ssid, enabled))
    return merged


def _check_capabilities(wifi, model):
    # inferred: btd.md:L227 -- the model's capabilities say which bands exist; enabling a band the
    # model lacks (or any wifi on a model without wifi) is "not one of the permitted values".
    if wifi is None:
        return
    caps = model["capabilities"]
    if not caps["wifi"]:
        raise _type_error("wifi", "null: model %s has no wifi" % model["name"])
    for enabled, cap in ((band[0], band[3]) for band in WIFI_BANDS):
        if wifi[enabled] and not caps[cap]:
            raise _type_error("wifi." + enabled, "false: model %s has no %s radio" % (model["name"], cap[4:]))


def _flag(value, path, default=False):
    """A boolean from JSON or from a query string ("true"/"false"/"1"/"0")."""
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "1", "false", "0"):
        return value.lower() in ("true", "1")
    raise _type_error(path, "a Boolean")


def _paging(query):
    values = {}
    for key, default in (("offset", 0), ("limit", LIMIT_DEFAULT)):
        raw = query.get(key)
        try:
            values[key] = default if raw in (None, "") else int(raw)
        except ValueError:
            raise ApiError(400, key, "%s must be a whole number" % key)
        if values[key] < 0:
            raise ApiError(400, key, "%s must not be negative" % key)
    # documented: max 500 (btd.md:L198). inferred: a larger limit is clamped to 500 and the reply's
    # `limit` says so (the echo is why the reply carries `limit`); a client that steps its offset by
    # its own limit then misses items and sees len(items) < total.
    return values["offset"], min(values["limit"], LIMIT_MAX)


def _drop_empty(item, keep=()):
    return dict((key, value) for key, value in item.items() if value is not None or key in keep)


async def _json_body(request):
    raw = await request.body()
    try:
        body = json.loads(raw) if raw.strip() else None
    except ValueError:
        raise ApiError(400, "bad_request", "The body is not valid JSON")  # documented key: btd.md:L178, L251
    if not isinstance(body, dict):
        raise ApiError(400, "bad_request", "The body must be a JSON object")
    return body


# ---- handlers -------------------------------------------------------------------------


def api(levels=None):
    """Wrap a handler: settle time, check the token (when `levels`) and the access level.

    The handler is called as handler(request, state, user, now); `user` is None without `levels`.
    """

    def wrap(handler):
        async def endpoint(request):
            state = request.app.state.world.telecomx
            now = state.world.now()
            try:
                state.settle(now)
                user = None
                if levels is not None:
                    user = state.user_of(state.authenticate(request, now))
                    if user["accessLevel"] not in levels:
                        # documented: create.txt:L228, update.txt:L109 403 `access_denied`.
                        raise ApiError(403, "access_denied", "Insufficient access level")
                return await handler(request, state, user, now)
            except ApiError as exc:
                return exc.response()
            except Exception:  # a simulator bug: show it, answer as the wiki says (create.txt:L231)
                traceback.print_exc()
                return ApiError(500, "internal_error", "Internal error").response()

        endpoint.__name__ = handler.__name__
        return endpoint

    return wrap


@api()
async def login(request, state, user, now):
    # documented: btd.md:L151 (POST with a JSON body, or GET with query parameters), L152-158 (fields).
    params = await _json_body(request) if request.method == "POST" else dict(request.query_params)
    username, password = params.get("username"), params.get("password")
    if not isinstance(username, str) or not isinstance(password, str) or not username or not password:
        raise ApiError(400, "bad_request", "username and password are required")  # inferred (btd.md:L164)
    user = state.users.get(username.lower())  # inferred: e-mail addresses compare case-insensitively
    if user is None or password != user["password"]:
        # inferred: login's own errors are undocumented (btd.md:L164); 401 `credentials_invalid` is the
        # key other auth pages use for "not logged in" (btd.md:L178).
        raise ApiError(401, "credentials_invalid", "Wrong username or password")
    # inferred: `smsKey` / `authenticatorToken` are ignored: the simulated customer requires no
    # two-factor login (authenticationSecurity NONE, btd.md:L165).
    persist, cookie = _flag(params.get("persist"), "persist"), _flag(params.get("cookie"), "cookie")
    value = secrets.token_hex(20)
    state.tokens[value] = Token(user["employee"], None if persist else now + TOKEN_MINUTES * 60, cookie)
    # documented: btd.md:L160-162 (token, expiresInMinutes, employee, customer, accessLevel).
    # inferred: name, language, customerName, customerFeatures as in the impersonate reply (btd.md:L163).
    reply = dict(token=value, expiresInMinutes=-1 if persist else TOKEN_MINUTES, **_identity(state, user, True))
    response = JSONResponse(reply)
    if cookie:
        response.set_cookie("token", value, httponly=True)  # documented: btd.md:L157; name inferred
    return response


def _identity(state, user, extended):
    reply = {"employee": user["employee"], "customer": user["customer"], "accessLevel": user["accessLevel"]}
    if extended:
        reply.update(
            name=user["name"], language="en", customerName=state.customers[user["customer"]]["name"], customerFeatures=["CUSTOMER", "INTERNET", "MVNO"]
        )
    return reply


@api()
async def logout(request, state, user, now):
    # documented: btd.md:L178 -- GET, invalidates ALL valid tokens of the user, replies {success: true};
    # 401 credentials_invalid / expired for a bad token.
    token = state.authenticate(request, now)
    for value in [value for value, other in state.tokens.items() if other.employee == token.employee]:
        del state.tokens[value]
    return JSONResponse({"success": True})


@api()
async def validate_token(request, state, user, now):
    # documented: btd.md:L180-184 (simple: 403 or 200; extend: name, language, customer extras;
    # reply success, employee, customer, accessLevel). inferred: `ip` is ignored (tokens are not
    # bound to addresses here); the simple replies carry our usual bodies.
    query = request.query_params
    try:
        token = state.authenticate(request, now)
    except ApiError as exc:
        if _flag(query.get("simple"), "simple"):
            exc.status = 403
        raise
    if _flag(query.get("simple"), "simple"):
        return JSONResponse({"success": True})
    reply = dict(success=True, **_identity(state, state.user_of(token), _flag(query.get("extend"), "extend")))
    return JSONResponse(reply)


@api(LIST_LEVELS)
async def list_devices(request, state, user, now):
    # documented: btd.md:L190-201 (customer default own, offset 0, limit 100 max 500, full,
    # reply {offset, limit, total, networkDevices}, total ignores offset/limit).
    # inferred: items in creation order; `full` defaults to false (condensed); the full item is
    # the get object (btd.md:L202).
    query = request.query_params
    customer = state.customer_for(user, query.get("customer") or user["customer"])
    offset, limit = _paging(query)
    full = _flag(query.get("full"), "full")
    devices = state.by_customer[customer]
    page = itertools.islice(devices.values(), offset, offset + limit)
    return JSONResponse({"offset": offset, "limit": limit, "total": len(devices), "networkDevices": [state.render(device, now, full) for device in page]})


@api(WRITE_LEVELS)
async def create_device(request, state, user, now):
    # documented: create.txt:L16-50 (POST /network/device, the body), L91-151 (the reply: the device).
    # documented errors: create.txt:L227-230. inferred: HTTP 200 (no page shows another success code);
    # the new device starts PROVISIONING with jobs 1 and status.provisioned false.
    device = state.create(user, await _json_body(request), now)
    return JSONResponse(state.render(device, now, True))


@api(GET_LEVELS)
async def get_device(request, state, user, now):
    # documented: btd.md:L206-211 (the create page's device object).
    device = state.device_for(user, request.path_params["device_id"], now)
    return JSONResponse(state.render(device, now, True))


@api(WRITE_LEVELS)
async def update_device(request, state, user, now):
    # documented: update.txt:L7-38 (POST /network/device/DEVICE_ID, partial), L41-101 (reply), L106-111 (errors).
    # conflict: the example body (update.txt:L40, `network.wireless`) contradicts the table
    # (`wifi.ssid`, `wifi.password`); we follow the table and refuse `network` (400).
    body = await _json_body(request)  # first: nothing may change between the lookup and the write
    device = state.device_for(user, request.path_params["device_id"], now)
    state.update(device, body, now)
    return JSONResponse(state.render(device, now, True))


@api(WRITE_LEVELS)
async def delete_device(request, state, user, now):
    # inferred: no delete page exists (btd.md:L216); the wiki's DELETE convention replies
    # {success: true} (btd.md:L217); access as for create (btd.md:L218).
    state.delete(state.device_for(user, request.path_params["device_id"], now), now)
    return JSONResponse({"success": True})


@api(LIST_LEVELS)
async def list_models(request, state, user, now):
    # documented: btd.md:L224 (access, offset/limit paging); items are model objects (btd.md:L226).
    # conflict: the page's envelope names the list `networkDevices` and its item table lists device
    # fields (btd.md:L225, a copy-paste error). We keep the documented key (setting
    # telecomx_model_list_key changes it, to test a client's defensive parsing) and answer with
    # model objects, which is what a model list must hold.
    offset, limit = _paging(request.query_params)
    models = list(state.models.values())
    return JSONResponse({"offset": offset, "limit": limit, "total": len(models), state.model_list_key: models[offset : offset + limit]})


@api(ADMIN_LEVELS)
async def admin_only(request, state, user, now):
    # documented: the model create (btd.md:L226) and the admin device list (btd.md:L203) exist for
    # RESELLER_ADMIN/ADMIN only; the seed has no such user, so every caller gets 403 access_denied.
    raise ApiError(500, "internal_error", "not simulated")


def routes():
    # Order matters: /network/device/model and /admin before /network/device/{device_id}.
    return [
        Route("/auth/login", login, methods=["GET", "POST"]),
        Route("/auth/logout", logout, methods=["GET"]),
        Route("/auth/validateToken", validate_token, methods=["GET"]),
        Route("/network/device/model", list_models, methods=["GET"]),
        Route("/network/device/model", admin_only, methods=["POST"]),
        Route("/network/device/admin", admin_only, methods=["GET"]),
        Route("/network/device", list_devices, methods=["GET"]),
        Route("/network/device", create_device, methods=["POST"]),
        Route("/network/device/{device_id}", get_device, methods=["GET"]),
        Route("/network/device/{device_id}", update_device, methods=["POST"]),
        Route("/network/device/{device_id}", delete_device, methods=["DELETE"]),
    ]
