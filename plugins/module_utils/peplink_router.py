# -*- coding: utf-8 -*-
# Copyright: (c) 2026, wanfleet.routers contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""One Peplink/Pepwave router's local API: `https://<router>/api/<name>`.

Everything the collection knows about the router API lives here: the two ways
to log in, the `{"stat": "ok"|"fail", ...}` envelope (a failure comes back as
HTTP 200), the keyed-map replies (`{"order": [1, 2], "1": {...}}`), and the
field names of the calls the modules use. The vendor document is
docs/api/peplink-router-api.txt (digest: docs/api/peplink-digest.md part B).
Where it stops, the knowledge is in the INFERRED block below and nowhere else.
"""

from __future__ import annotations

import re
import time

from urllib.parse import urlsplit

from ansible_collections.wanfleet.routers.plugins.module_utils.checks import check_passphrase, check_ssid
from ansible_collections.wanfleet.routers.plugins.module_utils.errors import (
    AmbiguousError,
    ApiError,
    AuthError,
    ConflictError,
    InputError,
    MalformedResponseError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitedError,
    ServerError,
    TransportError,
    UnsupportedError,
    ValidationError,
    WanfleetError,
)
from ansible_collections.wanfleet.routers.plugins.module_utils.http import DEFAULT_MAX_RETRIES, ApiClient
from ansible_collections.wanfleet.routers.plugins.module_utils.models import Device, Ssid, WanConnection, cellular_record, location_record
from ansible_collections.wanfleet.routers.plugins.module_utils.resource import Resource, changes_between
from ansible_collections.wanfleet.routers.plugins.module_utils.token_cache import TokenCache, cache_key

# ---- Documented (peplink-router-api.txt; digest B.1-B.5) ----------------------------------------

API_PREFIX = "api/"
LOGIN = "login"                              # POST {username, password} -> cookie bauth, response.permission
LOGOUT = "logout"                            # POST, ends the cookie session ("logout immediately after use")
TOKEN_GRANT = "auth.token.grant"             # POST {clientId, clientSecret, scope} -> accessToken, expiresIn
FIRMWARE = "info.firmware"                   # GET; also answers before login (in-use version only)
WAN_STATUS = "status.wan.connection"         # GET; 8.0.0+
SSID_PROFILE = "config.ssid.profile"         # GET ?id=; POST {action: update, id, ...}: update only
WAN_PRIORITY = "config.wan.connection.priority"  # POST {instantActive, list: [{connId, priority, enable}]}
CONFIG_APPLY = "cmd.config.apply"            # POST; response.warning when applied with a warning
CONFIG_DISCARD = "cmd.config.discard"        # POST; drops pending config
REBOOT = "cmd.system.reboot"                 # POST {} or {firmwareId}
# inferred: not in the router document; aiopeplink (written against real routers) reads
# response.location.{latitude, longitude, altitude, speed, heading}. A router without GPS answers none.
LOCATION = "info.location"

SESSION_COOKIE = "bauth"
TOKEN_PARAM = "accessToken"                  # the token travels as a query parameter
READ_ONLY_SCOPE = "api.read-only"            # the other scope is "api", read-write
DEFAULT_TOKEN_LIFETIME = 172800              # the document's expiresIn example, used when a grant omits it

# The two policies the router API reads and writes, by the collection's names.
SECURITY_POLICIES = {"wpa2_personal": "WPA2 Personal", "wpa_wpa2_personal": "WPA/WPA2 Personal"}
# The object under `security` holding the key (and fastTransition, WPA2 only) for each policy.
SECURITY_OBJECTS = {"WPA2 Personal": "wpa2Personal", "WPA/WPA2 Personal": "wpaWpa2Personal"}
# WPA2_Personal_Obj.key: "The length must between 8 and 63 or HEX in 64".

# ---- INFERRED: where the document stops. One place, so a correction is one edit. -------------

# inferred: the document lists no error codes (digest B.4 [GAP]). Public clients re-login and resend
# on {"stat": "fail", "code": 401} (TechBlueprints/peplink-mcp peplink_core/client.py; the Home
# Assistant Peplink integrations), so 401 means "session or token no longer valid".
AUTH_EXPIRED_CODES = frozenset((401,))
# inferred: message words meaning the same when a router sends another code.
AUTH_EXPIRED_WORDS = ("expired", "not logged in", "login required", "unauthorized", "unauthorised", "invalid access token")
# inferred: the codes look like HTTP statuses (401 above); the rest of this table follows that reading.
ERROR_CODES = {
    400: ValidationError,
    401: AuthError,
    403: PermissionDeniedError,
    404: NotFoundError,
    405: ValidationError,
    409: ConflictError,
    422: ValidationError,
    429: RateLimitedError,  # e.g. a login refused because the router's session table is full
    500: ServerError,
}
# inferred: a read-only user's refusal, recognised by its words whatever the code (a router that
# answers it with code 401 must not be taken for an expired session and logged into again).
PERMISSION_WORDS = ("permission", "read-only", "read only", "forbidden", "no privilege")
# inferred: message words for codes not in ERROR_CODES, checked in this order.
MESSAGE_WORDS = (
    (AuthError, AUTH_EXPIRED_WORDS + ("authentication", "invalid token", "invalid username or password")),
    (NotFoundError, ("not found", "not exist", "no such")),
    (ValidationError, ("invalid", "must be", "is required", "out of range")),
)
# inferred: newer firmware names the session cookie pauth (peplink-mcp _extract_session_cookie;
# docs/anchors.md 2.5); preference order.
SESSION_COOKIES = (SESSION_COOKIE, "pauth")
# inferred: public clients (peplink-mcp, Home Assistant integrations) send this with /api/login,
# noting newer firmware requires it; the document shows only username and password.
LOGIN_EXTRA = {"challenge": "challenge"}
# inferred: scopes asked for in this order. A read-write token first; a read-only client may not
# mint one (refused as a permission error), so it gets a read-only token and writes fail early.
TOKEN_SCOPES = ("api", READ_ONLY_SCOPE)
# inferred: `<numlist>` parameters are space-separated in the document's examples (`?id=1 2`).
LIST_SEPARATOR = " "
# inferred (digest C, reboot row): the router drops the connection while going down. These
# transport failures happen after the request was sent, so the reboot is taken as accepted.
REBOOT_DROP_ERRORS = frozenset(("ReadTimeout", "ReadError", "RemoteProtocolError"))
# inferred: an SSID profile without a `security` object is open (the document lists only the two
# WPA policies).
OPEN_SECURITY = "open"
# SPEC section 6: the simulator serves each router under /peplink/<serial>; a real router's URL
# has no serial in it.
SERIAL_IN_PATH = re.compile(r"/peplink/([^/]+)")
# inferred: the document gives no range for WAN_Config_Priority_Obj.priority. Peplink's web admin has
# priority groups 1 (highest) to 4, and public clients send 1-4.
PRIORITY_RANGE = (1, 4)
# inferred: the document has no GET for config.wan.connection.priority (digest B.5 #25 [GAP]), and a POST
# without instantActive saves configuration, so it is never used to read. Public clients GET
# config.wan.connection on 8.x firmware (TechBlueprints peplink-mcp get_wan_connection_config): a keyed
# map of the *saved* connections {name, enable, type, priority}. A router that refuses it is read from
# its running status instead (saved_wan_priorities() answers {}).
WAN_CONFIG = "config.wan.connection"
# inferred: the document has no identity call (digest C [GAP]). Public clients read status.system.info
# (PepPy get_device_info: response.device.serialNumber / model / name / firmwareVersion; ha-peplink
# reads it with infoType=device). A router that refuses it keeps the URL-derived identity.
SYSTEM_INFO = "status.system.info"
SYSTEM_INFO_FIELDS = {"serial": "serialNumber", "model": "model", "name": "name", "firmware": "firmwareVersion"}
# inferred: the document's SSID_Profile_Obj has no band; an SSID profile covers every radio.
# vlanId: absent means the LAN (documented); 0 is what the module calls untagged, and is sent as 0
# to move a profile back onto the LAN (inferred: the document shows no way to remove vlanId).
UNTAGGED_VLAN = 0
VLAN_RANGE = (1, 4094)          # as status.lan.profile's vlanId [1, 4094]
# inferred: a WAN's `uptime` of 0 means "not connected", not "just restarted" (the document's
# example shows uptime only for connected WANs), so is_back() cannot tell a restart from it.
UPTIME_NOT_CONNECTED = 0


# ---- The envelope (shared with incontrol.py, whose device-API proxy returns router replies) ----

# The router API documents no configuration export (peplink-router-api: no config download or
# backup call); the config_backup module refuses the platform with this, before any request.
NO_CONFIG_EXPORT = ("peplink_router: the router's local API has no configuration export call; back up Peplink "
                    "routers through InControl 2 (platform incontrol), which keeps their configuration files")


def unwrap_router_reply(body, platform, method, url, shown=None):
    """The `response` of a router reply, or the typed error of a `stat: fail` one.

    A failure is `{"stat": "fail", "code": <int>, "message": <str>}`, usually with HTTP 200,
    so the status code cannot be trusted. `platform`, `method` and `url` only word the error
    (`shown`, if given, is how the message names the URL, e.g. its path); the caller redacts it.
    Raises MalformedResponseError when `body` is not a router reply.
    """
    shown = shown or url
    stat = str(body.get("stat")).lower() if isinstance(body, dict) else None
    if stat == "ok":
        return body.get("response")
    if stat != "fail":
        raise MalformedResponseError(
            "%s: %s %s answered something that is not a router reply ({\"stat\": ...}): %s"
            % (platform, method, shown, str(body)[:200]),
            platform=platform, method=method, url=url, body=body)
    code = _as_int(body.get("code"))
    message = body.get("message")
    message = str(message) if message not in (None, "") else None
    cls = router_error_class(code, message)
    text = "%s: %s %s failed: router error %s" % (platform, method, shown, body.get("code", "(no code)"))
    text += ": %s" % message if message else " (no message)"
    raise cls(text, platform=platform, method=method, url=url, vendor_message=message, body=body)


def router_error_class(code, message, default=ApiError):
    """The typed error for a router failure code and message (see the INFERRED block)."""
    text = (message or "").lower()
    if any(word in text for word in PERMISSION_WORDS):
        return PermissionDeniedError
    if code in ERROR_CODES:
        return ERROR_CODES[code]
    for cls, words in MESSAGE_WORDS:
        if any(word in text for word in words):
            return cls
    return default


def is_auth_expired_reply(body):
    """True for a `stat: fail` reply meaning "log in again" (not a read-only refusal)."""
    if not isinstance(body, dict) or str(body.get("stat")).lower() != "fail":
        return False
    text = str(body.get("message") or "").lower()
    if any(word in text for word in PERMISSION_WORDS):
        return False
    return _as_int(body.get("code")) in AUTH_EXPIRED_CODES or any(word in text for word in AUTH_EXPIRED_WORDS)


def router_notice(body):
    """The reply's `notice` (beta, deprecated, replaced API) as text, or None."""
    notice = body.get("notice") if isinstance(body, dict) else None
    if not notice:
        return None
    if isinstance(notice, dict):
        return ", ".join("%s=%s" % (key, notice[key]) for key in sorted(notice))
    return str(notice)


def router_identity(url):
    """(id, serial) of the router at `url`.

    The router API has no serial number, model or hostname call (digest C, [GAP]), so the
    identity comes from the URL: the serial from a simulator-style `/peplink/<serial>` path,
    else no serial and the URL's host (with its port, if any) as the id.
    """
    parts = urlsplit(url)
    match = SERIAL_IN_PATH.search(parts.path)
    serial = match.group(1) if match else None
    host = parts.netloc.rsplit("@", 1)[-1]
    return serial or host, serial


class PeplinkRouterClient(ApiClient):
    """The local API of the one router at `settings["url"]`.

    Authentication follows `settings["auth"]`: ("username", "password") logs in for a
    `bauth` cookie session that `close()` ends; ("client_id", "client_secret") obtains an
    access token, cached across the tasks of a run and sent as `?accessToken=`. A session or
    token the router no longer accepts is renewed once and the request resent.
    """

    platform = "peplink_router"

    def __init__(self, settings, session, redactor=None, token_cache=None, max_retries=DEFAULT_MAX_RETRIES,
                 sleep=time.sleep, clock=time.time, rate_limit=None):
        # rate_limit is not used: each router is its own server, and its 429 means "too many sessions"
        super(PeplinkRouterClient, self).__init__(settings["url"], session, redactor=redactor,
                                                  max_retries=max_retries, sleep=sleep, rate_limit=rate_limit)
        self.settings = dict(settings)
        self.auth_mode = _auth_mode(settings)
        for name in ("password", "client_secret"):
            self.redactor.add(settings.get(name))
        self.token_cache = token_cache if token_cache is not None else TokenCache(enabled=False)
        self.notices = []        # the router's `notice`s (beta / deprecated APIs), for warnings
        self.permission = None   # {"GET": 0|1, "POST": 0|1}, from the login or the token's scope
        self.close_error = None  # why the logout in close() failed, if it did
        self.sent_writes = 0     # POSTs other than login/logout/grant that went out (rollback needs to know)
        self._reboots = {}       # device id -> {"seen_down": bool}, for is_back()
        self._clock = clock
        self._cookie = None      # "bauth=<session id>": this client's own session, never the shared jar's
        self._token = None
        self._cache_key = None
        if self.auth_mode == "token":
            self._cache_key = cache_key(self.platform, self.base_url, settings.get("client_id"), settings.get("client_secret"))

    # ---- ApiClient hooks ------------------------------------------------------------------------

    def authenticate(self, force=False):
        if self.auth_mode == "login":
            if force or not self._cookie:
                self._login()
        elif force or not self._token:
            self._use_token(self.token_cache.obtain(self._cache_key, self._grant, force=force))

    def auth_headers(self):
        # The HttpSession is shared by every router of the run: its cookie jar must not carry
        # one router's session to another, so the cookie is sent explicitly per request.
        return {"Cookie": self._cookie} if self.auth_mode == "login" and self._cookie else {}

    def auth_params(self):
        return {TOKEN_PARAM: self._token} if self.auth_mode == "token" and self._token else {}

    def is_expired_auth(self, response):
        if response.status_code == 401:
            return True
        return is_auth_expired_reply(_json_or_none(response))

    def unwrap(self, response, method, url):
        body = _json_or_none(response)
        if response.status_code >= 400:
            cls = None
            if isinstance(body, dict) and str(body.get("stat")).lower() == "fail":
                cls = router_error_class(_as_int(body.get("code")), body.get("message"), default=None)
            raise self.error(response, method, url, cls=cls)
        if body is None:
            body = self.json(response, method, url)  # raises MalformedResponseError with the text
        notice = router_notice(body)
        if notice:
            text = "%s %s: router notice: %s" % (method, self._path(url), notice)
            if text not in self.notices:
                self.notices.append(text)
        return unwrap_router_reply(body, self.platform, method, url, shown=self._path(url))

    # ---- calls ----------------------------------------------------------------------------------

    def get(self, api_name, params=None):
        """GET /api/<api_name>; list values in params are sent space-separated. Returns `response`."""
        return self.request("GET", self._api(api_name), params=_query(params))

    def post(self, api_name, body=None, idempotent=False):
        """POST /api/<api_name> with a JSON body. Returns `response`.

        `idempotent=True` only for writes that set an absolute state (safe to resend after a
        lost answer). Fails before sending when the login or token is read-only.
        """
        self.authenticate()
        if self._read_only():
            raise PermissionDeniedError(
                "%s: POST /api/%s needs read-write permission, but %s has read-only access to this router"
                % (self.platform, _api_name(api_name), self._who()),
                platform=self.platform, method="POST", url=self.url(self._api(api_name)))
        self.sent_writes += 1
        return self.request("POST", self._api(api_name), json=body if body is not None else {}, idempotent=idempotent)

    def apply_config(self):
        """Apply pending config (`cmd.config.apply`); returns the router's warning or None."""
        response = self.post(CONFIG_APPLY, {}, idempotent=True)
        return response.get("warning") if isinstance(response, dict) else None

    def discard_config(self):
        """Drop pending config (`cmd.config.discard`), to roll back a half-applied change."""
        self.post(CONFIG_DISCARD, {}, idempotent=True)

    def reboot(self, firmware_id=None):
        """Reboot (`cmd.system.reboot`), into `firmware_id` (an info.firmware image id) if given.

        Sent once, never retried. A connection dropped after sending counts as accepted (the
        router is going down). Returns {"connection_dropped": bool}. The session dies with the
        reboot: the next call logs in again and close() does not log out.
        """
        body = {} if firmware_id is None else {"firmwareId": int(firmware_id)}
        dropped = False
        try:
            self.post(REBOOT, body, idempotent=False)
        except TransportError as exc:
            cause = getattr(exc, "cause", None) or type(exc.__context__).__name__
            if cause not in REBOOT_DROP_ERRORS:
                raise
            dropped = True
        self._end_session()
        return {"connection_dropped": dropped}

    def is_up(self):
        """True once the router's API answers again (info.firmware needs no login).

        One attempt, no retries: the caller polls. No answer, an HTTP 5xx or a non-JSON page
        (web server still starting) means "not back yet".
        """
        try:
            response = self.request("GET", self._api(FIRMWARE), auth=False, idempotent=False, unwrap=False)
        except TransportError:
            return False
        if response.status_code >= 500:
            return False
        body = _json_or_none(response)
        return isinstance(body, dict) and str(body.get("stat")).lower() in ("ok", "fail")

    def uptime(self):
        """Seconds the longest-up WAN connection has been up, or None.

        The router API has no system uptime ([GAP], digest C): this is the documented per-WAN
        `uptime` of status.wan.connection, which restarts from zero after a reboot.
        """
        values = [_as_int(item.get("uptime")) for wan_id, item in _keyed_items(self.get(WAN_STATUS), WAN_STATUS)]
        values = [value for value in values if value is not None]
        return max(values) if values else None

    # ---- the reboot module's contract -----------------------------------------------------------

    def reboot_device(self, device, firmware_id=None):
        """Reboot `device` (a Device from devices(): this router), into `firmware_id` (an
        info.firmware image id) if given. One request, never retried.

        Raises the typed error of a refusal (read-only user: PermissionDeniedError before sending).
        """
        device_id, serial = router_identity(self.base_url)
        if device.id not in (device_id, serial):
            raise InputError("%s: device %s is not the router at %s" % (self.platform, device.id, self.base_url),
                             platform=self.platform)
        self._reboots[device.id] = {"seen_down": False}
        return self.reboot(firmware_id)

    def is_back(self, device, rebooted_at):
        """True once the router has restarted since `rebooted_at` (epoch) and answers again.

        "Restarted" is seen one of two ways: the router was seen down (no answer to the
        login-free info.firmware) by an earlier call, or it answers and its longest WAN uptime is
        shorter than the time since the reboot was sent (the router has no system uptime, digest
        C [GAP]; a WAN that was up before the reboot would show more). Until one of them holds,
        a router that still answers has not gone down yet.
        """
        tracked = self._reboots.setdefault(device.id, {"seen_down": False})
        if not self.is_up():
            tracked["seen_down"] = True
            return False
        if tracked["seen_down"]:
            return True
        uptime = self.uptime()  # logs in again: the reboot ended the session
        return uptime is not None and uptime > UPTIME_NOT_CONNECTED and uptime < self._clock() - rebooted_at

    # ---- reads ----------------------------------------------------------------------------------

    def firmware(self):
        """info.firmware as {"version": the running version or None, "images": [{id, version, bootable, in_use}]}."""
        return _firmware_record(self.get(FIRMWARE))

    def wan_connections(self, ids=None):
        """status.wan.connection as WanConnection records, in the router's order.

        `status` is the router's status message ("Connected", "No Cable Detected", ...);
        `priority` is None for a disabled WAN (the router omits it); `type` "gobi" reads as "cellular".
        """
        raw = self.get(WAN_STATUS, {"id": ids} if ids else None)
        return [_wan_record(wan_id, item) for wan_id, item in _keyed_items(raw, WAN_STATUS)]

    def ssid_profiles(self, ids=None):
        """config.ssid.profile as dicts: id (int), name (the SSID), enabled, broadcast, vlan_id
        (0: untagged, the LAN), security ("wpa2_personal", "wpa_wpa2_personal", "open"), passphrase,
        fast_transition, captive_portal, incontrol_managed, and band only if the router reports one.

        The router returns the passphrase in clear; it is registered with the redactor at once.
        """
        raw = self.get(SSID_PROFILE, {"id": ids} if ids else None)
        return [self._ssid_record(profile_id, item) for profile_id, item in _keyed_items(raw, SSID_PROFILE)]

    def ssid_profile(self, profile_id):
        """One SSID profile as ssid_profiles() gives it, or None when the router has no such id."""
        try:
            profiles = self.ssid_profiles([profile_id])
        except NotFoundError:
            return None
        return next((item for item in profiles if str(item["id"]) == str(profile_id)), None)

    def devices(self, device=None, group=None, filters=None, detail=True):
        """The router itself, as a one-item list of Device.

        The router API has no serial number, model, hostname or MAC call ([GAP], digest C):
        the id is the serial from a `/peplink/<serial>` URL path (the simulator's layout) or
        else the URL's host; serial is that serial or None; name, model and mac are None.
        `device`, if given, must name this router (id, serial, host or URL), else NotFoundError.
        `group` is an InControl concept: UnsupportedError. `filters` ({field: value}) are
        applied here (the router has no server-side filters): no match gives an empty list.
        With `detail`, the WAN connections and SSIDs are read as well (three calls, else one).
        """
        if group is not None:
            raise UnsupportedError("%s: a router has no groups (group is an InControl/NCM concept); use device or omit group"
                                   % self.platform, platform=self.platform)
        filters = _check_filters(filters, self.platform)
        device_id, serial = router_identity(self.base_url)
        if device is not None and not self._names_this_router(device, device_id, serial):
            raise NotFoundError("%s: device %r is not the router at %s (known as %s); on this platform the device is the router at url"
                                % (self.platform, device, self.base_url, device_id), platform=self.platform)
        raw = {"firmware": self.get(FIRMWARE), "system": self.system_info()}
        record = dict(platform=self.platform, id=device_id, serial=serial, status="online",
                      firmware=_firmware_record(raw["firmware"])["version"])
        identity = (raw["system"] or {}).get("device")
        if isinstance(identity, dict):
            record.update((key, str(identity[field])) for key, field in SYSTEM_INFO_FIELDS.items()
                          if identity.get(field) not in (None, "") and not (key == "firmware" and record["firmware"]))
        if detail:
            raw["wan"] = self.get(WAN_STATUS)
            raw["ssid"] = self.get(SSID_PROFILE)
            record["wan"] = [_wan_record(wan_id, item) for wan_id, item in _keyed_items(raw["wan"], WAN_STATUS)]
            profiles = [self._ssid_record(profile_id, item) for profile_id, item in _keyed_items(raw["ssid"], SSID_PROFILE)]
            record["ssids"] = [Ssid(id=item["id"], name=item["name"], enabled=item["enabled"]) for item in profiles]
        record["raw"] = self.redactor.data(raw)
        found = Device(**record)
        return [found] if _filters_match(found, filters) else []

    def cellular(self, devices):
        """{device id: {WAN id: cellular}} from status.wan.connection's `cellular` (fw 8.0.1+) or `gobi` object
        (documented Gobi_Obj: carrier.name, mobileType, band[{name, signal {rssi, sinr, rsrp, rsrq}}],
        signalLevel, imei, sim {order, <id>: {active, apn, imsi, iccid}}, roamingStatus.message)."""
        found = {}
        for device in devices:
            raw = (device.raw or {}).get("wan") or self.get(WAN_STATUS)
            for wan_id, item in _keyed_items(raw, WAN_STATUS):
                modem = item.get("cellular") or item.get("gobi")
                if isinstance(modem, dict):
                    found.setdefault(device.id, {})[str(wan_id)] = _router_cellular(modem)
        return found

    def locations(self, devices):
        """{device id: location or None} from info.location (inferred, see LOCATION)."""
        try:
            reply = self.get(LOCATION)
        except NotFoundError:
            reply = None  # a firmware without the call: no position
        where = reply.get("location") if isinstance(reply, dict) else None
        where = where if isinstance(where, dict) else {}
        record = location_record(where.get("latitude"), where.get("longitude"), method="gps" if where else None)
        return dict((device.id, record) for device in devices)

    # ---- writes ---------------------------------------------------------------------------------

    def update_ssid_profile(self, profile_id, changes, current=None):
        """Update one SSID profile (the API cannot create or delete them); returns it as ssid_profiles() does.

        `changes` uses ssid_profiles()' keys: name, enabled, broadcast, vlan_id, security,
        passphrase, fast_transition. Only the given keys are sent ("only given information will
        be affected"). `current` (the profile as read) supplies the policy when only the
        passphrase or fast_transition changes. The write may stay pending until apply_config().
        """
        body = ssid_update_body(profile_id, changes, current)
        self.redactor.add(changes.get("passphrase"))
        response = self.post(SSID_PROFILE, body, idempotent=True)
        profiles = [self._ssid_record(key, item) for key, item in _keyed_items(response, SSID_PROFILE)]
        return next((item for item in profiles if str(item["id"]) == str(profile_id)), None)

    def system_info(self):
        """status.system.info (inferred, see SYSTEM_INFO), or None when the router does not answer it:
        its absence never fails a read."""
        try:
            reply = self.get(SYSTEM_INFO)
        except (NotFoundError, ValidationError, PermissionDeniedError, MalformedResponseError):
            return None
        return reply if isinstance(reply, dict) else None

    def saved_wan_priorities(self, ids):
        """{id: {"name", "priority", "enabled"}} of the *saved* (maybe pending) WAN config of `ids`, read
        with GET config.wan.connection (inferred, see WAN_CONFIG); {} when the router refuses that call,
        so the caller keeps the running status. Never a POST. `priority` is None for a disabled connection,
        as status.wan.connection reports it.
        """
        try:
            response = self.get(WAN_CONFIG)
        except (NotFoundError, ValidationError, MalformedResponseError):
            return {}
        wanted = set(str(wan_id) for wan_id in ids)
        return dict((str(wan_id), _wan_config_record(item)) for wan_id, item in _keyed_items(response, WAN_CONFIG)
                    if str(wan_id) in wanted)

    def set_wan_priorities(self, connections, instant_active=False):
        """Set priority/enabled of WAN connections ([{id, priority, enabled}]); returns the
        updated connections as WanConnection records (id, name, priority, enabled).

        Without `instant_active` the change is pending until apply_config() (documented).
        """
        items = []
        for connection in connections:
            item = {"connId": int(connection["id"])}
            if connection.get("priority") is not None:
                item["priority"] = int(connection["priority"])
            if connection.get("enabled") is not None:
                item["enable"] = bool(connection["enabled"])
            items.append(item)
        body = {"list": items}
        if instant_active:
            body["instantActive"] = True
        response = self.post(WAN_PRIORITY, body, idempotent=True)
        return [WanConnection(id=wan_id, **_wan_config_record(item)) for wan_id, item in _keyed_items(response, WAN_PRIORITY)]

    # ---- session end ----------------------------------------------------------------------------

    def close(self):
        """Log the cookie session out (routers allow few sessions). Never raises."""
        cookie, self._cookie = self._cookie, None
        if self.auth_mode != "login" or not cookie:
            return
        try:
            # auth=False: an expired session must not be logged into again just to log out.
            self.request("POST", self._api(LOGOUT), json={}, headers={"Cookie": cookie},
                         auth=False, idempotent=False, unwrap=False)
        except Exception as exc:  # a dead router must not fail the task at teardown
            self.close_error = self.redactor.text(str(exc))

    # ---- internals ------------------------------------------------------------------------------

    def _api(self, api_name):
        return API_PREFIX + _api_name(api_name)

    def _login(self):
        url = self.url(self._api(LOGIN))
        body = dict(LOGIN_EXTRA, username=self.settings.get("username"), password=self.settings.get("password"))
        response = self.request("POST", self._api(LOGIN), json=body, auth=False, idempotent=True, unwrap=False)
        try:
            payload = self.unwrap(response, "POST", url)
        except WanfleetError as exc:
            raise exc.redacted(self.redactor)
        name, value = _session_cookie(response)
        if not value:
            raise AuthError(
                "%s: POST %s answered ok but set no session cookie (%s); the router sets it only over HTTPS, so use an https:// url"
                % (self.platform, self._path(url), "/".join(SESSION_COOKIES)),
                platform=self.platform, method="POST", url=url, status=response.status_code).redacted(self.redactor)
        self.redactor.add(value)
        self._forget_shared_cookie(name, value)
        self._cookie = "%s=%s" % (name, value)
        permission = payload.get("permission") if isinstance(payload, dict) else None
        self.permission = permission if isinstance(permission, dict) else None

    def _grant(self):
        body = {"clientId": self.settings.get("client_id"), "clientSecret": self.settings.get("client_secret")}
        payload, scope = None, None
        for scope in TOKEN_SCOPES:
            try:
                payload = self.request("POST", self._api(TOKEN_GRANT), json=dict(body, scope=scope), auth=False, idempotent=True)
                break
            except PermissionDeniedError:
                if scope == TOKEN_SCOPES[-1]:
                    raise
        token = payload.get("accessToken") if isinstance(payload, dict) else None
        if not token:
            raise MalformedResponseError("%s: POST /api/%s answered ok without an accessToken" % (self.platform, TOKEN_GRANT),
                                         platform=self.platform, method="POST", url=self.url(self._api(TOKEN_GRANT)))
        self.redactor.add(token)
        lifetime = _as_int(payload.get("expiresIn")) or DEFAULT_TOKEN_LIFETIME
        return {"token": token, "expires_at": self._clock() + lifetime, "scope": payload.get("scope") or scope}

    def _use_token(self, entry):
        self._token = entry["token"]
        self.redactor.add(self._token)  # also when it comes from another task's cache file
        scope = entry.get("scope")
        self.permission = {"GET": 1, "POST": 0 if scope == READ_ONLY_SCOPE else 1} if scope else None

    def _end_session(self):
        """The router forgot its sessions (reboot): log in again next time, no logout."""
        self._cookie = None

    def _forget_shared_cookie(self, name, value):
        """Drop this session's cookie from the shared httpx jar, so no other router's request carries it."""
        try:
            jar = self.session.client.cookies.jar
            for cookie in list(jar):
                if cookie.name == name and cookie.value == value:
                    jar.clear(cookie.domain, cookie.path, cookie.name)
        except Exception:  # the jar is a courtesy clean-up; our cookie travels explicitly anyway
            pass

    def _read_only(self):
        """True only when the login's permission (or the token's scope) says POST is not allowed."""
        allowed = (self.permission or {}).get("POST")
        return allowed is False or _as_int(allowed) == 0

    def _who(self):
        if self.auth_mode == "login":
            return "user %r" % self.settings.get("username")
        return "client %r (token scope %s)" % (self.settings.get("client_id"), READ_ONLY_SCOPE)

    def names_this_router(self, key):
        """True when `key` (id, serial, host or URL) names the router at this client's url. No request."""
        device_id, serial = router_identity(self.base_url)
        return self._names_this_router(key, device_id, serial)

    def _names_this_router(self, key, device_id, serial):
        key = str(key).strip()
        if key.rstrip("/") == self.base_url or key in (device_id, serial):
            return True
        host = urlsplit(self.base_url).hostname
        return bool(host) and key.lower() == host.lower()

    def _ssid_record(self, profile_id, item):
        security = item.get("security")
        policy = security.get("policy") if isinstance(security, dict) else None
        if not security:
            security_name = OPEN_SECURITY
        else:
            security_name = _snake(policy) if policy else None
        settings = {}
        if isinstance(security, dict):
            for key in (SECURITY_OBJECTS.get(policy), "wpa2Personal", "wpaWpa2Personal"):
                if key and isinstance(security.get(key), dict):
                    settings = security[key]
                    break
        passphrase = settings.get("key")
        self.redactor.add(passphrase)
        record = {
            "id": _as_int(profile_id) if _as_int(profile_id) is not None else profile_id,
            "name": item.get("name"),
            "enabled": item.get("enable"),
            "broadcast": item.get("broadcast"),
            "vlan_id": _as_int(item.get("vlanId")) or UNTAGGED_VLAN,
            "security": security_name,
            "passphrase": passphrase,
            "fast_transition": settings.get("fastTransition"),
            "captive_portal": item.get("captivePortal"),
            "incontrol_managed": item.get("incontrolManaged"),
        }
        if "band" in item:
            record["band"] = item["band"]
        return record


# ---- the modules' resources (resource.ensure() drives them) -------------------------------------

SUPPORTED_SECURITY = (OPEN_SECURITY,) + tuple(sorted(SECURITY_POLICIES))
SSID_KEYS = ("name", "enabled", "broadcast", "vlan_id", "security", "passphrase", "fast_transition")


class SsidProfileResource(Resource):
    """One SSID profile of the router (`config.ssid.profile`).

    The API updates existing profiles only ("action": "update"): a profile is found by `id`, else
    by `name`, and one that is not there fails with the existing ones listed. "absent" means
    disabled. A change is written (saved as pending config), then applied with cmd.config.apply;
    if anything fails after the first write, cmd.config.discard drops the pending change.
    """

    secret_keys = ("passphrase",)
    can_delete = False

    def __init__(self, client, params):
        super(SsidProfileResource, self).__init__(client, params)
        self._writes_before = None
        self.apply_warning = None

    def validate(self):
        params = self.params
        _check_router_selection(self.client, params, "ssid_profile")
        if params.get("band") is not None:
            raise UnsupportedError(
                "peplink_router: ssid_profile: band cannot be set on a router's SSID profile (config.ssid.profile has no "
                "band; a profile covers every radio); leave band out", platform="peplink_router")
        security = params.get("security")
        if security is not None and security not in SUPPORTED_SECURITY:
            raise UnsupportedError("peplink_router: ssid_profile: security %s is not supported by the router API; it supports %s"
                                   % (security, ", ".join(SUPPORTED_SECURITY)), platform="peplink_router")
        if params.get("id") is not None and _profile_number(params["id"]) is None:
            raise InputError("peplink_router: ssid_profile: id must be an SSID profile number (1, 2, ...), got %r" % params["id"],
                             platform="peplink_router")
        check_ssid(params.get("name"), "peplink_router: ssid_profile")
        vlan = params.get("vlan_id")
        if vlan is not None and vlan != UNTAGGED_VLAN and not VLAN_RANGE[0] <= vlan <= VLAN_RANGE[1]:
            raise InputError("peplink_router: ssid_profile: vlan_id must be %d to %d, or %d for untagged (the LAN); got %s"
                             % (VLAN_RANGE[0], VLAN_RANGE[1], UNTAGGED_VLAN, vlan), platform="peplink_router")
        passphrase = params.get("passphrase")
        if passphrase is not None:
            check_passphrase(passphrase, "peplink_router", "ssid_profile: passphrase")
            if security == OPEN_SECURITY:
                raise InputError("peplink_router: ssid_profile: passphrase cannot be used with security open",
                                 platform="peplink_router")
        if params.get("fast_transition") is not None and security not in (None, "wpa2_personal"):
            raise InputError("peplink_router: ssid_profile: fast_transition can be set only with security wpa2_personal, not %s"
                             % security, platform="peplink_router")

    def read(self):
        params = self.params
        profiles = self.client.ssid_profiles()
        if params.get("id") is not None:
            number = _profile_number(params["id"])
            found = [item for item in profiles if _profile_number(item["id"]) == number]
            wanted = "id %s" % number
        else:
            found = [item for item in profiles if item["name"] == params["name"]]
            wanted = "name %r" % params["name"]
            if len(found) > 1:
                raise AmbiguousError("peplink_router: ssid_profile: several SSID profiles are named %r: ids %s; give id"
                                     % (params["name"], ", ".join(str(item["id"]) for item in found)), platform="peplink_router")
            if not found and params.get("state") == "absent":
                return None  # no SSID of that name: nothing to disable
        if not found:
            known = ", ".join("%s (%s)" % (item["id"], item["name"]) for item in profiles) or "none (this router has no Wi-Fi)"
            raise InputError("peplink_router: ssid_profile: no SSID profile with %s; the router API cannot create profiles, "
                             "only update these: %s" % (wanted, known), platform="peplink_router")
        current = found[0]
        self._refuse_incontrol_managed(current)
        return current

    def desired(self, current):
        params = self.params
        wanted = dict((key, params.get(key)) for key in SSID_KEYS)
        have = (current or {}).get("security")
        security = wanted["security"] or have
        if wanted["security"] == OPEN_SECURITY and have != OPEN_SECURITY:
            raise InputError("peplink_router: ssid_profile: the router API cannot turn an SSID's security off (its policy "
                             "takes only %s); profile %s is %s" % (", ".join(sorted(SECURITY_POLICIES.values())),
                                                                   current["id"], have), platform="peplink_router")
        if wanted["fast_transition"] is not None and security != "wpa2_personal":
            raise InputError("peplink_router: ssid_profile: fast_transition can be set only with security wpa2_personal; "
                             "profile %s is %s" % (current["id"], security), platform="peplink_router")
        if wanted["passphrase"] is not None and security not in SECURITY_POLICIES:
            raise InputError("peplink_router: ssid_profile: a passphrase needs security wpa2_personal or wpa_wpa2_personal; "
                             "profile %s is %s (give security)" % (current["id"], security), platform="peplink_router")
        if (wanted["security"] in SECURITY_POLICIES and have not in SECURITY_POLICIES and wanted["passphrase"] is None
                and not (current or {}).get("passphrase")):
            raise InputError("peplink_router: ssid_profile: profile %s has no passphrase yet: give passphrase to turn on %s"
                             % (current["id"], wanted["security"]), platform="peplink_router")
        return wanted

    def update(self, current, desired, changes):
        self._writes_before = self.client.sent_writes
        profile = self.client.update_ssid_profile(current["id"], changes, current)
        self.apply_warning = self.client.apply_config()
        if self.apply_warning:
            self.client.notices.append("cmd.config.apply: %s" % self.apply_warning)
        return profile or dict(current, **changes)

    def rollback(self):
        return _discard_after_failure(self.client, self._writes_before)

    rollback_failed = "the router may hold pending configuration, apply or discard it in its web admin"

    def _refuse_incontrol_managed(self, current):
        """The router refuses local changes to a profile InControl pushes: say so before writing."""
        if not current.get("incontrol_managed"):
            return
        wanted = {"enabled": False} if self.params.get("state") == "absent" else self.desired(current)
        changes = changes_between(wanted, current, self.secret_keys, (), self.params.get("update_passphrase") or "always")
        if changes:
            raise InputError(
                "peplink_router: ssid_profile: SSID profile %s (%s) is managed by InControl (incontrolManaged); the router "
                "does not take local changes to it (%s): change it with platform incontrol, in its group's SSID profiles"
                % (current["id"], current["name"], ", ".join(sorted(changes))), platform="peplink_router")


class WanPriorityResource(Resource):
    """Priority and enabled state of the router's WAN connections.

    Read from status.wan.connection (the running state; no priority = disabled). Written with
    config.wan.connection.priority, `instantActive` = the module's `apply`. With apply=false the
    change is saved as pending config, which status.wan.connection does not show: when the running
    state differs from the request, the saved values of the listed connections are read back with
    saved_wan_priorities() and compared instead, so a second apply=false run changes nothing, and
    an apply=true run (which compares the running state) still applies what is pending.
    """

    can_delete = False

    def __init__(self, client, params):
        super(WanPriorityResource, self).__init__(client, params)
        self._resolved = None
        self._unread_priority = {}
        self._writes_before = None

    def validate(self):
        params = self.params
        _check_router_selection(self.client, params, "wan_priority")
        connections = params.get("connections") or []
        if not connections:
            raise InputError("peplink_router: wan_priority: connections is empty; list the WAN connections to set",
                             platform="peplink_router")
        ids, names = {}, {}
        for index, item in enumerate(connections):
            label = "connections[%d]" % index
            wan_id, name = item.get("id"), item.get("name")
            if wan_id is None and name is None:
                raise InputError("peplink_router: wan_priority: %s: give id or name" % label, platform="peplink_router")
            if wan_id is not None and _profile_number(wan_id) is None:
                raise InputError("peplink_router: wan_priority: %s: id must be a WAN connection number (1, 2, ...), got %r"
                                 % (label, wan_id), platform="peplink_router")
            priority = item.get("priority")
            if priority is not None and not PRIORITY_RANGE[0] <= priority <= PRIORITY_RANGE[1]:
                raise InputError("peplink_router: wan_priority: %s: priority must be %d (most preferred) to %d, got %s"
                                 % (label, PRIORITY_RANGE[0], PRIORITY_RANGE[1], priority), platform="peplink_router")
            if priority is None and item.get("enabled") is None:
                raise InputError("peplink_router: wan_priority: %s: give priority and/or enabled" % label,
                                 platform="peplink_router")
            for seen, key in ((ids, _profile_number(wan_id) if wan_id is not None else None), (names, name)):
                if key is not None and key in seen:
                    raise InputError("peplink_router: wan_priority: connections[%d] and %s name the same connection %s"
                                     % (seen[key], label, key), platform="peplink_router")
                if key is not None:
                    seen[key] = index

    def read(self):
        running = dict((str(wan.id), {"name": wan.name, "priority": None if wan.enabled is False else wan.priority,
                                      "enabled": wan.enabled})
                       for wan in self.client.wan_connections())
        self._resolved = self._resolve(running)
        current = running
        if self.params.get("apply") is False:
            wanted = self._wanted(running)
            if changes_between(wanted, {"connections": running}):
                current = dict(running)
                for wan_id, saved in self._saved([wan_id for wan_id, item in self._resolved]).items():
                    current[wan_id] = dict(running.get(wan_id) or {}, **saved)
        return {"connections": current}

    def desired(self, current):
        return self._wanted(current["connections"])

    def update(self, current, desired, changes):
        self._writes_before = self.client.sent_writes
        have = current["connections"]
        items = []
        for wan_id, entry in changes["connections"].items():
            differs = dict((key, value) for key, value in entry.items()
                           if value is not None and (have.get(wan_id) or {}).get(key) != value)
            if not differs:
                continue
            if wan_id in self._unread_priority:
                differs["priority"] = self._unread_priority[wan_id]
            items.append(dict(differs, id=wan_id))
        written = self.client.set_wan_priorities(items, instant_active=self.params.get("apply") is not False)
        result = dict((wan_id, dict(item)) for wan_id, item in have.items())
        for wan in written:
            before = result.get(wan.id) or {}
            result[wan.id] = {"name": wan.name or before.get("name"), "priority": wan.priority, "enabled": wan.enabled}
        return {"connections": result}

    def rollback(self):
        return _discard_after_failure(self.client, self._writes_before)

    rollback_failed = "the router may hold pending configuration, apply or discard it in its web admin"

    def _wanted(self, connections):
        """{"connections": {id: {priority?, enabled?}}}: the listed connections, their given keys.

        The router does not report the priority of a disabled connection, so a priority for a
        connection that is (or ends) disabled is not compared; it is sent along when that
        connection is written for another reason.
        """
        out = {}
        self._unread_priority = {}
        for wan_id, item in self._resolved:
            entry = {}
            if item.get("enabled") is not None:
                entry["enabled"] = item["enabled"]
            ends_enabled = item["enabled"] if item.get("enabled") is not None else (connections.get(wan_id) or {}).get("enabled")
            if item.get("priority") is not None:
                if ends_enabled is False:
                    self._unread_priority[wan_id] = item["priority"]
                else:
                    entry["priority"] = item["priority"]
            out[wan_id] = entry
        return {"connections": out}

    def _resolve(self, running):
        """[(id, connection option)]: names resolved to ids; unknown or ambiguous ones fail, listing the known."""
        known = ", ".join("%s (%s)" % (wan_id, item["name"]) for wan_id, item in running.items()) or "none"
        resolved, seen = [], {}
        for index, item in enumerate(self.params["connections"]):
            label = "connections[%d]" % index
            name = item.get("name")
            if item.get("id") is not None:
                wan_id = str(_profile_number(item["id"]))
                if wan_id not in running:
                    raise InputError("peplink_router: wan_priority: %s: this router has no WAN connection %s; it has %s"
                                     % (label, wan_id, known), platform="peplink_router")
                if name is not None and running[wan_id]["name"] != name:
                    raise InputError("peplink_router: wan_priority: %s: connection %s is named %r, not %r"
                                     % (label, wan_id, running[wan_id]["name"], name), platform="peplink_router")
            else:
                matches = [key for key, wan in running.items() if wan["name"] == name]
                matches = matches or [key for key, wan in running.items() if str(wan["name"] or "").lower() == name.lower()]
                if not matches:
                    raise InputError("peplink_router: wan_priority: %s: this router has no WAN connection named %r; it has %s"
                                     % (label, name, known), platform="peplink_router")
                if len(matches) > 1:
                    raise AmbiguousError("peplink_router: wan_priority: %s: several WAN connections are named %r: ids %s; give id"
                                         % (label, name, ", ".join(matches)), platform="peplink_router")
                wan_id = matches[0]
            if wan_id in seen:
                raise InputError("peplink_router: wan_priority: connections[%d] and %s are the same connection %s"
                                 % (seen[wan_id], label, wan_id), platform="peplink_router")
            seen[wan_id] = index
            resolved.append((wan_id, item))
        return resolved

    def _saved(self, ids):
        """The saved (pending) values of `ids`; {} for a read-only login, whose write will be refused anyway."""
        try:
            return self.client.saved_wan_priorities(ids)
        except PermissionDeniedError:
            return {}


def _check_router_selection(client, params, module):
    """`group` is an InControl/NCM concept and `device` must name this router: both checked without a request."""
    if params.get("group") is not None:
        raise UnsupportedError("peplink_router: %s: a router has no groups (group is an InControl/NCM option); omit group, "
                               "the router is the one at url" % module, platform="peplink_router")
    device = params.get("device")
    if device is not None and not client.names_this_router(device):
        raise InputError("peplink_router: %s: device %r is not the router at %s (known as %s); on this platform the device is "
                         "the router at url" % (module, device, client.base_url, router_identity(client.base_url)[0]),
                         platform="peplink_router")


def _discard_after_failure(client, writes_before):
    """Roll back after a failed change: discard pending config if a write went out since `writes_before`."""
    if writes_before is None or client.sent_writes <= writes_before:
        return None
    client.discard_config()
    return "; the pending change was discarded (cmd.config.discard), so the router keeps its previous configuration"


def _profile_number(value):
    """A positive integer id from an int or a digit string, else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value > 0 else None
    text = str(value).strip()
    return int(text) if text.isdigit() and int(text) > 0 else None


# ---- helpers ------------------------------------------------------------------------------------

def ssid_update_body(profile_id, changes, current=None):
    """The config.ssid.profile update body for `changes` (ssid_profiles()' keys). Raises InputError."""
    if changes.get("band") is not None:
        raise InputError("peplink_router: the router API cannot set an SSID's band", platform="peplink_router")
    body = {"action": "update", "id": int(profile_id)}
    for key, field in (("name", "name"), ("enabled", "enable"), ("broadcast", "broadcast"), ("vlan_id", "vlanId")):
        if changes.get(key) is not None:
            body[field] = changes[key]
    if all(changes.get(key) is None for key in ("security", "passphrase", "fast_transition")):
        return body
    wanted = changes.get("security") or (current or {}).get("security")
    if wanted not in SECURITY_POLICIES:
        raise InputError("peplink_router: security %r cannot be set through the router API; it supports %s"
                         % (wanted, ", ".join(sorted(SECURITY_POLICIES))), platform="peplink_router")
    policy = SECURITY_POLICIES[wanted]
    security = {}
    if changes.get("security") is not None:
        security["policy"] = policy
    settings = {}
    if changes.get("passphrase") is not None:
        settings["key"] = changes["passphrase"]
    if changes.get("fast_transition") is not None:
        if wanted != "wpa2_personal":
            raise InputError("peplink_router: fast_transition can be set only with security wpa2_personal",
                             platform="peplink_router")
        settings["fastTransition"] = bool(changes["fast_transition"])
    if settings:
        security[SECURITY_OBJECTS[policy]] = settings
    body["security"] = security
    return body


def _auth_mode(settings):
    auth = tuple(settings.get("auth") or ())
    if auth:
        return "token" if "client_id" in auth else "login"
    if settings.get("username") and settings.get("password"):
        return "login"
    if settings.get("client_id") and settings.get("client_secret"):
        return "token"
    raise InputError("peplink_router: credentials are missing: set username+password or client_id+client_secret",
                     platform="peplink_router")


def _api_name(api_name):
    name = str(api_name).lstrip("/")
    return name[len(API_PREFIX):] if name.startswith(API_PREFIX) else name


def _query(params):
    if not params:
        return None
    query = {}
    for key, value in params.items():
        if value is None:
            continue
        query[key] = LIST_SEPARATOR.join(str(item) for item in value) if isinstance(value, (list, tuple)) else value
    return query or None


def _as_int(value):
    if isinstance(value, bool) or value is None:
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _json_or_none(response):
    if not response.content:
        return None
    try:
        return response.json()
    except ValueError:
        return None


def _session_cookie(response):
    """(name, value) of the session cookie the login set, read from Set-Cookie (not the jar)."""
    found = {}
    for header in response.headers.get_list("set-cookie"):
        pair = header.split(";", 1)[0]
        if "=" in pair:
            name, value = pair.split("=", 1)
            found.setdefault(name.strip(), value.strip())
    for name in SESSION_COOKIES:
        if found.get(name):
            return name, found[name]
    return None, None


def _keyed_items(response, api_name=""):
    """[(id, object)] of a keyed-map reply ({"order": [1, 2], "1": {...}}), in `order`, then any others."""
    if response is None:
        return []
    if not isinstance(response, dict):
        raise MalformedResponseError("peplink_router: %s answered %s where an {order, <id>: {...}} map was expected"
                                     % (api_name or "the router", type(response).__name__), platform="peplink_router")
    ids = [str(key) for key in response.get("order") or []]
    ids += sorted((key for key in response if key != "order" and key not in ids), key=lambda key: (len(key), key))
    return [(key, response[key]) for key in ids if isinstance(response.get(key), dict)]


def _router_cellular(modem):
    bands = [band for band in modem.get("band") or [] if isinstance(band, dict)]
    signal = bands[0].get("signal") if bands and isinstance(bands[0].get("signal"), dict) else {}
    sims = modem.get("sim") if isinstance(modem.get("sim"), dict) else {}
    sim = next((item for key, item in _keyed_items(sims) if item.get("active")), {})
    roaming = modem.get("roamingStatus") if isinstance(modem.get("roamingStatus"), dict) else {}
    carrier = modem.get("carrier") if isinstance(modem.get("carrier"), dict) else {}
    return cellular_record(
        carrier=carrier.get("name"), technology=modem.get("mobileType") or modem.get("network"),
        band=", ".join(str(band.get("name")) for band in bands if band.get("name")) or None,
        rsrp=signal.get("rsrp"), rsrq=signal.get("rsrq"), sinr=signal.get("sinr"), rssi=signal.get("rssi"),
        signal_bar=_as_int(modem.get("signalLevel")), imei=modem.get("imei") or None, iccid=sim.get("iccid") or None,
        imsi=sim.get("imsi") or None, apn=sim.get("apn") or None,
        roaming=None if not roaming.get("message") else roaming["message"] != "home")


def _firmware_record(raw):
    images = [{"id": _as_int(key) if _as_int(key) is not None else key, "version": item.get("version"),
               "bootable": item.get("bootable"), "in_use": item.get("inUse")}
              for key, item in _keyed_items(raw, FIRMWARE)]
    running = [image["version"] for image in images if image["in_use"]]
    if not running and len(images) == 1:
        running = [images[0]["version"]]
    return {"version": running[0] if running else None, "images": images}


def _wan_config_record(item):
    """A config.wan.connection.priority answer item as {name, priority, enabled}; no priority when
    disabled, like status.wan.connection ("The field will not appear if the WAN is disabled")."""
    enabled = item.get("enable")
    return {"name": item.get("name"), "priority": None if enabled is False else _as_int(item.get("priority")),
            "enabled": enabled if isinstance(enabled, bool) else None}


def _wan_record(wan_id, item):
    status = item.get("message")
    if not status and item.get("enable") is False:
        status = "disabled"
    return WanConnection(id=wan_id, name=item.get("name"), type=item.get("type"), status=status,
                         ip=item.get("ip"), priority=item.get("priority"), enabled=item.get("enable"))


def _snake(text):
    return re.sub(r"[^0-9a-z]+", "_", str(text).lower()).strip("_")


def _check_filters(filters, platform):
    if not filters:
        return {}
    known = set(Device.model_fields) - {"raw", "wan", "ssids"}
    unknown = sorted(set(filters) - known)
    if unknown:
        raise InputError("%s: unknown filter(s) %s; a router can be filtered on %s"
                         % (platform, ", ".join(unknown), ", ".join(sorted(known))), platform=platform)
    return dict(filters)


def _filters_match(device, filters):
    for key, wanted in filters.items():
        have = getattr(device, key)
        if str(have).lower() != str(wanted).lower():
            return False
    return True
