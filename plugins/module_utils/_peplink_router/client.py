# -*- coding: utf-8 -*-
# Copyright: (c) 2026, wanfleet.routers contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""PeplinkRouterClient: login (cookie session or token), the router envelope, reads, writes and reboot."""

from __future__ import annotations

import time
from urllib.parse import urlsplit

from ansible_collections.wanfleet.routers.plugins.module_utils.contracts import devices as device_selection
from ansible_collections.wanfleet.routers.plugins.module_utils.errors import (
    AuthError,
    InputError,
    MalformedResponseError,
    NotFoundError,
    PermissionDeniedError,
    TransportError,
    ValidationError,
    WanfleetError,
)
from ansible_collections.wanfleet.routers.plugins.module_utils.http import DEFAULT_MAX_RETRIES, ApiClient
from ansible_collections.wanfleet.routers.plugins.module_utils.models import (
    Device,
    Ssid,
    WanConnection,
    location_record,
)
from ansible_collections.wanfleet.routers.plugins.module_utils.token_cache import TokenCache, cache_key
from ansible_collections.wanfleet.routers.plugins.module_utils._peplink_router.common import (
    _api_name,
    _auth_mode,
    _check_filters,
    _filters_match,
    _firmware_record,
    _json_or_none,
    _query,
    _router_cellular,
    _session_cookie,
    _snake,
    _wan_config_record,
    _wan_record,
    router_identity,
)
from ansible_collections.wanfleet.routers.plugins.module_utils._peplink_router.facts import (
    DEFAULT_TOKEN_LIFETIME,
    LOGIN_EXTRA,
    OPEN_SECURITY,
    READ_ONLY_SCOPE,
    REBOOT_DROP_ERRORS,
    SECURITY_OBJECTS,
    SESSION_COOKIES,
    SYSTEM_INFO,
    SYSTEM_INFO_FIELDS,
    TOKEN_PARAM,
    TOKEN_SCOPES,
    UNTAGGED_VLAN,
    UPTIME_NOT_CONNECTED,
    WAN_CONFIG,
)
from ansible_collections.wanfleet.routers.plugins.module_utils._peplink_router.ssid import ssid_update_body
from ansible_collections.wanfleet.routers.plugins.module_utils._router_api import (
    API_PREFIX,
    CONFIG_APPLY,
    CONFIG_DISCARD,
    FIRMWARE,
    LOCATION,
    LOGIN,
    LOGOUT,
    REBOOT,
    SSID_PROFILE,
    TOKEN_GRANT,
    WAN_PRIORITY,
    WAN_STATUS,
    _as_int,
    _keyed_items,
    is_auth_expired_reply,
    router_error_class,
    router_notice,
    unwrap_router_reply,
)


class PeplinkRouterClient(ApiClient):
    """The local API of the one router at `settings["url"]`.

    Authentication follows `settings["auth"]`: ("username", "password") logs in for a
    `bauth` cookie session that `close()` ends; ("client_id", "client_secret") obtains an
    access token, cached across the tasks of a run and sent as `?accessToken=`. A session or
    token the router no longer accepts is renewed once and the request resent.
    """

    platform = "peplink_router"

    def __init__(self, settings, session, redactor=None, token_cache=None, max_retries=DEFAULT_MAX_RETRIES, sleep=time.sleep, clock=time.time, rate_limit=None):
        # rate_limit is not used: each router is its own server, and its 429 means "too many sessions"
        super(PeplinkRouterClient, self).__init__(settings["url"], session, redactor=redactor, max_retries=max_retries, sleep=sleep, rate_limit=rate_limit)
        self.settings = dict(settings)
        self.auth_mode = _auth_mode(settings)
        for name in ("password", "client_secret"):
            self.redactor.add(settings.get(name))
        self.token_cache = token_cache if token_cache is not None else TokenCache(enabled=False)
        self.notices = []  # the router's `notice`s (beta / deprecated APIs), for warnings
        self.permission = None  # {"GET": 0|1, "POST": 0|1}, from the login or the token's scope
        self.close_error = None  # why the logout in close() failed, if it did
        self.sent_writes = 0  # POSTs other than login/logout/grant that went out (rollback needs to know)
        self._reboots = {}  # device id -> {"seen_down": bool}, for is_back()
        self._clock = clock
        self._cookie = None  # "bauth=<session id>": this client's own session, never the shared jar's
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
                "%s: POST /api/%s needs read-write permission, but %s has read-only access to this router" % (self.platform, _api_name(api_name), self._who()),
                platform=self.platform,
                method="POST",
                url=self.url(self._api(api_name)),
            )
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

        The router API has no system uptime (the Peplink Router API Documentation lists none): this
        is the documented per-WAN `uptime` of status.wan.connection, which restarts from zero after a reboot.
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
            raise InputError("%s: device %s is not the router at %s" % (self.platform, device.id, self.base_url), platform=self.platform)
        self._reboots[device.id] = {"seen_down": False}
        return self.reboot(firmware_id)

    def is_back(self, device, rebooted_at):
        """True once the router has restarted since `rebooted_at` (epoch) and answers again.

        "Restarted" is seen one of two ways: the router was seen down (no answer to the
        login-free info.firmware) by an earlier call, or it answers and its longest WAN uptime is
        shorter than the time since the reboot was sent (the Peplink Router API Documentation lists no
        system uptime; a WAN that was up before the reboot would show more). Until one of them holds,
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

    def devices(self, device=None, group=None, filters=None, detail=True):
        """The router itself, as a one-item list of Device.

        The router API has no serial number, model, hostname or MAC call (the Peplink Router API Documentation lists none):
        the id is the serial from a `/peplink/<serial>` URL path (the simulator's layout) or
        else the URL's host; serial is that serial or None; name, model and mac are None.
        `device`, if given, must name this router (id, serial, host or URL), else NotFoundError.
        `group` is refused (contracts/devices.py). `filters` ({field: value}) are
        applied here (the router has no server-side filters): no match gives an empty list.
        With `detail`, the WAN connections and SSIDs are read as well (three calls, else one).
        """
        device_selection.refuse_selection(self.platform, {"group": group})
        filters = _check_filters(filters, self.platform)
        device_id, serial = router_identity(self.base_url)
        if device is not None and not self._names_this_router(device, device_id, serial):
            raise NotFoundError(
                "%s: device %r is not the router at %s (known as %s); on this platform the device is the router at url"
                % (self.platform, device, self.base_url, device_id),
                platform=self.platform,
            )
        raw = {"firmware": self.get(FIRMWARE), "system": self.system_info()}
        record = dict(platform=self.platform, id=device_id, serial=serial, status="online", firmware=_firmware_record(raw["firmware"])["version"])
        identity = (raw["system"] or {}).get("device")
        if isinstance(identity, dict):
            record.update(
                (key, str(identity[field]))
                for key, field in SYSTEM_INFO_FIELDS.items()
                if identity.get(field) not in (None, "") and not (key == "firmware" and record["firmware"])
            )
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
        return dict((str(wan_id), _wan_config_record(item)) for wan_id, item in _keyed_items(response, WAN_CONFIG) if str(wan_id) in wanted)

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
            self.request("POST", self._api(LOGOUT), json={}, headers={"Cookie": cookie}, auth=False, idempotent=False, unwrap=False)
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
                platform=self.platform,
                method="POST",
                url=url,
                status=response.status_code,
            ).redacted(self.redactor)
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
            raise MalformedResponseError(
                "%s: POST /api/%s answered ok without an accessToken" % (self.platform, TOKEN_GRANT),
                platform=self.platform,
                method="POST",
                url=self.url(self._api(TOKEN_GRANT)),
            )
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
