# -*- coding: utf-8 -*-
# Copyright: (c) 2026, wanfleet.routers contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""InControl 2 groups and devices as records, cellular, location, configuration backups and reboots (a mixin of
InControlClient)."""

from __future__ import annotations

import time

from ansible_collections.wanfleet.routers.plugins.module_utils.errors import (
    InputError,
    MalformedResponseError,
    NotFoundError,
    PendingError,
    ServerError,
    TransportError,
    WanfleetError,
)
from ansible_collections.wanfleet.routers.plugins.module_utils.models import Device, Group, shape_of
from ansible_collections.wanfleet.routers.plugins.module_utils.resource import not_existing
from ansible_collections.wanfleet.routers.plugins.module_utils._incontrol.common import (
    _as_api_id,
    _cellular,
    _describe,
    _int_or_none,
    _is_modem,
    _location,
    _mac_or_none,
    _match_device,
    _newest_backup,
    _passes,
    _pick,
    _ssids,
    _wan,
)
from ansible_collections.wanfleet.routers.plugins.module_utils._incontrol.facts import (
    BACKUP_FORMAT,
    DEVAPI_ALIVE,
    DEVICE_FILTERS,
    PLATFORM,
    REBOOT_UPTIME_SLACK,
    SSID_PROFILES_KEY,
)


class InControlDevices(object):
    """InControlClient's reads of groups and devices (records, cellular, location, backups) and reboots."""

    def groups(self):
        """Every group of the organization (GET /rest/o/{org}/g), cached for this client."""
        if self._groups is None:
            method, path = self.endpoint("groups")
            self._groups = [self._group(raw) for raw in self.objects(self.request(method, path), method, path)]
        return list(self._groups)

    def find_group(self, key):
        """The group whose id or name is `key` (an id wins over a name).

        Raises AmbiguousError (candidates listed) or NotFoundError.
        """
        groups = self.groups()
        known = ", ".join("%s (id %s)" % (group.name, group.id) for group in groups) or "none"
        try:
            return _pick(groups, str(key), "group", self.platform, known, attr=True, missing=NotFoundError)
        except NotFoundError as exc:
            raise not_existing(exc, "group", key)

    def _group(self, raw):
        return self._record("group", raw, lambda: Group(platform=self.platform, id=raw.get("id"), name=raw.get("name") or "", raw=self.redactor.data(raw)))

    def _record(self, what, raw, build):
        """build() -> a record; a vendor object that does not fit fails loudly rather than being dropped."""
        if raw.get("id") is None:
            raise MalformedResponseError(
                "%s: a %s without an id in the answer: %s" % (self.platform, what, str(self.redactor.data(raw))[:200]),
                platform=self.platform,
                body=self.redactor.data(raw),
            )
        try:
            return build()
        except ValueError as exc:  # pydantic's ValidationError is a ValueError
            raise MalformedResponseError(
                "%s: %s %s does not fit the documented model: %s" % (self.platform, what, raw.get("id"), exc),
                platform=self.platform,
                body=self.redactor.data(raw),
            ) from exc

    # ---- devices -----------------------------------------------------------------

    def devices(self, device=None, group=None, filters=None, detail=True):
        """Devices as records: one (`device`), a group's (`group`), or the organization's.

        - All: GET /rest/o/{org}/d (one request; items carry group_id and group_name).
          A group's: GET /rest/o/{org}/g/{gid}/d. detail=True adds has_status=true
          (WAN interfaces of online devices); detail=False uses the `/d/basic` lists
          (no WAN or SSID data, quicker on large fleets).
        - `device`: id, serial, MAC (any notation) or name; see find_device.
        - `filters` ({name, status, model, group, tags}): IC2 documents no filter
          parameters, so only `group` is applied server-side (as the group's list);
          the others are applied here: `name` and `model` are shell patterns (a
          string or a list, any may match; `model` matches the product name or code,
          case-insensitively), `status` is online/offline/unknown (or a list), and
          `tags` (a string or a list) must all be on the device.
        """
        filters = dict((key, value) for key, value in (filters or {}).items() if value not in (None, "", []))
        unknown = sorted(set(filters) - set(DEVICE_FILTERS))
        if unknown:
            raise InputError(
                "%s: unknown device filter(s) %s; supported: %s" % (self.platform, ", ".join(unknown), ", ".join(DEVICE_FILTERS)), platform=self.platform
            )
        if "group" in filters:
            if group is not None and str(filters["group"]) != str(group):
                raise InputError("%s: group %r and filters.group %r disagree" % (self.platform, group, filters["group"]), platform=self.platform)
            group = filters.pop("group")
        found = self._device_list(group, detail)
        if device is not None:
            found = [_match_device(found, device, self.platform)]
        return [item for item in found if _passes(item, filters)]

    def find_device(self, key, group=None, detail=True):
        """The one device whose id, serial, MAC or name is `key` (in that order of precedence).

        Raises AmbiguousError (candidates listed) or NotFoundError.
        """
        return self.devices(device=key, group=group, detail=detail)[0]

    def device_detail(self, group_id, device_id):
        """One device from the detail call (GET .../g/{gid}/d/{did}?has_status=true)."""
        method, path = self.endpoint("device", group=group_id, device=device_id)
        return self._device(self.request(method, path, params={"has_status": "true"}) or {}, None)

    def ssid_profiles(self, group_id):
        """The raw SSID profiles of a group. IC2 answers a list, or (inferred, SSID_PROFILES_KEY) an object
        holding the list; anything else is a MalformedResponseError."""
        data = self.call("ssid_profiles", group=_as_api_id(group_id))
        profiles = data.get(SSID_PROFILES_KEY) if isinstance(data, dict) else data
        if data is None:
            profiles = []
        if not isinstance(profiles, list):
            raise MalformedResponseError(
                "%s: the SSID profiles of group %s are neither a list nor an object holding %r (a list): %s"
                % (PLATFORM, group_id, SSID_PROFILES_KEY, shape_of(data)),
                platform=PLATFORM,
                body=self.redactor.data(data),
            )
        return profiles

    def forget_groups(self):
        """Drop the cached group list (after a group was created, renamed or deleted)."""
        self._groups = None

    # ---- reboot ------------------------------------------------------------------

    def reboot_device(self, device):
        """POST .../g/{gid}/d/{did}/tools/reboot (inferred, A.8): one request, never resent.

        `device` is a Device from devices() (it carries group_id). Failures raise their typed
        error; a reboot the device never got is not retried by the client either.
        """
        if device.group_id is None:
            device = self.find_device(device.id, detail=False)
        self.call("device_reboot", None, group=device.group_id, device=device.id, idempotent=False)
        self._down.discard(device.id)

    def cellular(self, devices):
        """{device id: {interface id: cellular}} from the devices' `interfaces` (documented `interface` model:
        carrier_name, s2g3glte, gobi_band_class_name, cellular_signals {rssi, sinr, rsrp, rsrq}, signal_bar,
        imei, apn, sims {imsi, iccid}). No request: they come with the device listing (detail)."""
        found = {}
        for device in devices:
            for item in (device.raw or {}).get("interfaces") or []:
                if isinstance(item, dict) and item.get("id") is not None and _is_modem(item):
                    found.setdefault(device.id, {})[str(item["id"])] = _cellular(item)
        return found

    def locations(self, devices):
        """{device id: location or None} from the device fields latitude, longitude, location_timestamp and
        isStatic (documented, device_list_obj); no request."""
        return dict((device.id, _location(device.raw or {})) for device in devices)

    def config_backup(self, device):
        """The newest configuration file InControl keeps for `device`: {"content": bytes, "format": "conf", "taken_at"}.

        InControl takes these backups itself; its API lists and downloads them (documented) but has
        no call that takes a new one. NotFoundError when it keeps none.
        """
        newest = _newest_backup(self.call("config_backups", group=device.group_id, device=device.id))
        if newest is None:
            raise NotFoundError("%s: InControl keeps no configuration backup of %s" % (self.platform, _describe(device)), platform=self.platform)
        method, path = self.endpoint("config_backup_file", group=device.group_id, device=device.id, backup=newest["id"])
        response = self.request(method, path, unwrap=False)
        if response.status_code >= 400 or "json" in response.headers.get("content-type", ""):
            # an error, or an envelope where the file was expected: unwrap() raises its typed error
            try:
                self.unwrap(response, method, self.url(path))
            except WanfleetError as exc:
                raise exc.redacted(self.redactor)
            raise MalformedResponseError(
                "%s: GET %s answered JSON instead of the configuration file" % (self.platform, path), platform=self.platform, method=method, url=self.url(path)
            )
        return {"content": response.content, "format": BACKUP_FORMAT, "taken_at": newest["taken_at"]}

    def is_back(self, device, rebooted_at):
        """True once the device detail shows it online with an uptime that began after `rebooted_at`.

        When IC2 gives no uptime, the router API (through devapi) decides: the device is back when it
        answers again after it was seen down (offline in IC2, or devapi failing).
        """
        current = self.device_detail(device.group_id, device.id)
        if current.status != "online":
            self._down.add(device.id)
            return False
        uptime = _int_or_none((current.raw or {}).get("uptime"))
        if uptime is not None:
            return time.time() - uptime >= rebooted_at - REBOOT_UPTIME_SLACK
        try:
            self.devapi(device.group_id, device.id, DEVAPI_ALIVE)
        except (ServerError, TransportError, PendingError):
            self._down.add(device.id)  # IC2 still shows it online, but the router does not answer
            return False
        return device.id in self._down

    def _device_list(self, group, detail):
        params = {"has_status": "true"} if detail else None
        if group is None:
            method, path = self.endpoint("org_devices" if detail else "org_devices_basic")
            found_group = None
        else:
            found_group = self.find_group(group)
            method, path = self.endpoint("group_devices" if detail else "group_devices_basic", group=found_group.id)
        raws = self.objects(self.request(method, path, params=params), method, path)
        return [self._device(raw, found_group) for raw in raws]

    def _device(self, raw, group):
        """device_list_obj / device (InControl 2 API docs, models device_list_obj and device) -> Device."""
        return self._record(
            "device",
            raw,
            lambda: Device(
                platform=self.platform,
                id=raw.get("id"),
                name=raw.get("name"),
                serial=raw.get("sn"),
                mac=_mac_or_none(raw.get("lan_mac")),
                model=raw.get("product_name") or raw.get("model") or raw.get("product_code"),
                firmware=raw.get("fw_ver"),
                status=raw.get("status") or raw.get("onlineStatus"),
                group=raw.get("group_name") or (group.name if group else None),
                group_id=raw.get("group_id") if raw.get("group_id") is not None else (group.id if group else None),
                wan=[_wan(item) for item in raw.get("interfaces") or [] if isinstance(item, dict) and item.get("id") is not None],
                ssids=_ssids(raw),
                # secret-looking keys (wpa_passphrase, APN password, admin_conf passwords) are masked
                raw=self.redactor.data(raw),
            ),
        )
