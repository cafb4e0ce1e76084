# -*- coding: utf-8 -*-
# Copyright: (c) 2026, wanfleet.routers contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""ssid_profile on InControl 2: a group's SSID profiles."""

from __future__ import annotations

from ansible_collections.wanfleet.routers.plugins.module_utils.contracts import ssid as contract
from ansible_collections.wanfleet.routers.plugins.module_utils.errors import InputError, NotFoundError, UnsupportedError
from ansible_collections.wanfleet.routers.plugins.module_utils.resource import UNKNOWN, Resource, changes_between
from ansible_collections.wanfleet.routers.plugins.module_utils._incontrol.common import (
    _as_api_id,
    _by_name,
    _int_or_none,
)
from ansible_collections.wanfleet.routers.plugins.module_utils._incontrol.facts import (
    PLATFORM,
    SSID_PROFILE_FIELDS,
    SSID_RADIO_SELECT,
    SSID_SECURITY,
    WIFI_CFG_GROUP,
    WIFI_CFG_KEY,
)


# ---- group SSID profiles ------------------------------------------------------------------


class SsidProfileResource(Resource):
    """One SSID profile of an IC2 group (GET/POST .../g/{gid}/ssid_profiles, PUT/DELETE .../{id}; inferred).

    Normalised keys: id, name, enabled, broadcast, vlan_id (0 = untagged), security, passphrase
    (read back as wpa_passphrase; UNKNOWN when hidden from read-only credentials), fast_transition,
    band ("2.4", "5" or "both"). InControl pushes the profiles to the group's devices that follow
    group Wi-Fi settings, so `absent` deletes the profile.
    """

    secret_keys = ("passphrase",)
    can_delete = True
    SETTABLE = ("name", "enabled", "broadcast", "vlan_id", "security", "passphrase", "fast_transition", "band")

    def __init__(self, client, params):
        super(SsidProfileResource, self).__init__(client, params)
        self._group = None
        self._profiles = None

    def validate(self):
        params, platform = self.params, PLATFORM
        contract.validate(platform, params)
        if not params.get("group"):
            raise InputError("%s: group is required (the group whose SSID profile this is)" % platform, platform=platform)
        if params.get("id") is not None and not str(params["id"]).isdigit():
            raise InputError("%s: id must be an SSID profile id (a number); got %r" % (platform, params["id"]), platform=platform)
        security = params.get("security")
        if security is not None and security not in SSID_SECURITY:
            raise UnsupportedError(
                "%s: security %s is not available for InControl 2 SSID profiles; choose one of %s" % (platform, security, ", ".join(SSID_SECURITY)),
                platform=platform,
            )
        band = params.get("band")
        if band is not None and band not in SSID_RADIO_SELECT:
            raise UnsupportedError(
                "%s: band %s is not available for InControl 2 SSID profiles; choose 2.4 or 5 (leave band out to keep the profile's radios)" % (platform, band),
                platform=platform,
            )
        if params.get("passphrase") is not None:
            self.client.redactor.add(params["passphrase"])

    # -- reads --

    def read(self):
        self._group = self.client.find_group(self.params["group"])
        profiles = self.client.ssid_profiles(self._group.id)
        self._profiles = [self._normalise(item) for item in profiles if isinstance(item, dict) and item.get("id") is not None]
        if self.params.get("id") is not None:
            return next((item for item in self._profiles if item["id"] == str(self.params["id"])), None)
        return _by_name(self._profiles, self.params["name"], "SSID profile", PLATFORM)

    def _normalise(self, raw):
        security = raw.get(SSID_PROFILE_FIELDS["security"])
        passphrase = raw.get(SSID_PROFILE_FIELDS["passphrase"])
        if security == SSID_SECURITY["open"]:
            passphrase = ""  # none; "" (not None) so that securing the profile shows as a passphrase change
        elif not passphrase:
            passphrase = UNKNOWN  # hidden for read-only users (InControl 2 API docs, model ssid_profiles_applied)
        else:
            self.client.redactor.add(passphrase)
        radio = raw.get(SSID_PROFILE_FIELDS["band"])
        bands = dict((value, key) for key, value in SSID_RADIO_SELECT.items())
        reverse_security = dict((value, key) for key, value in SSID_SECURITY.items())
        vlan = _int_or_none(raw.get(SSID_PROFILE_FIELDS["vlan_id"]))
        return {
            "id": str(raw["id"]),
            "name": raw.get(SSID_PROFILE_FIELDS["name"]),
            "enabled": raw.get(SSID_PROFILE_FIELDS["enabled"]),
            "broadcast": raw.get(SSID_PROFILE_FIELDS["broadcast"]),
            "vlan_id": vlan if vlan is not None else 0,
            "security": reverse_security.get(security, security),
            "passphrase": passphrase,
            "fast_transition": raw.get(SSID_PROFILE_FIELDS["fast_transition"]),
            "band": bands.get(str(radio), radio) if radio is not None else None,
        }

    def desired(self, current):
        params = self.params
        if current is None and params.get("id") is not None:
            raise NotFoundError(
                "%s: group %s has no SSID profile with id %s; its profiles: %s"
                % (PLATFORM, self._group.name, params["id"], ", ".join("%s (id %s)" % (item["name"], item["id"]) for item in self._profiles or []) or "none"),
                platform=PLATFORM,
            )
        wanted = dict((key, params.get(key)) for key in self.SETTABLE)
        have = current or {}
        if current is None and wanted["security"] is None:
            if wanted["passphrase"] is None:
                raise InputError(
                    "%s: to create SSID profile %r give security (and a passphrase unless it is open)" % (PLATFORM, params["name"]), platform=PLATFORM
                )
            wanted["security"] = "wpa2_personal"
        security = wanted["security"] or have.get("security")
        if security == "open":
            if wanted["passphrase"] is not None:
                raise InputError("%s: SSID profile %r is open: set security to use a passphrase" % (PLATFORM, params["name"]), platform=PLATFORM)
        elif wanted["passphrase"] is None and (current is None or have.get("security") == "open"):
            raise InputError("%s: security=%s needs a passphrase" % (PLATFORM, security), platform=PLATFORM)
        if wanted["fast_transition"] and security != "wpa2_personal":
            raise InputError("%s: fast_transition needs security=wpa2_personal (the profile has %s)" % (PLATFORM, security), platform=PLATFORM)
        if current is None or changes_between(wanted, current, self.secret_keys, (), params.get("update_passphrase") or "always"):
            self._note_devices_not_following()
        return wanted

    def _note_devices_not_following(self):
        """Warn about the group's devices whose `wifi_cfg` (documented) says their SSIDs are not the group's:
        the group profile does not reach them (their own layer owns their SSIDs)."""
        others = [
            device for device in self.client.devices(group=self._group.id, detail=True) if (device.raw or {}).get(WIFI_CFG_KEY) not in (None, WIFI_CFG_GROUP)
        ]
        if others:
            self.client.notices.append(
                "SSID profiles of group %s do not reach %s: their wifi_cfg says their SSIDs are set per device "
                "(device) or on the router itself (not_managed); change those with platform peplink_router or in "
                "InControl's device settings"
                % (self._group.name, ", ".join("%s (wifi_cfg %s)" % (device.name or device.id, device.raw[WIFI_CFG_KEY]) for device in others))
            )

    # -- writes --

    def _body(self, values):
        body = {}
        for key, value in values.items():
            if value is None or value is UNKNOWN:
                continue
            if key == "security":
                value = SSID_SECURITY[value]
            elif key == "band":
                value = SSID_RADIO_SELECT[value]
            body[SSID_PROFILE_FIELDS[key]] = value
        return body

    def create(self, desired):
        reply = self.client.call("ssid_profile_create", self._body(desired), group=_as_api_id(self._group.id))
        if isinstance(reply, dict) and reply.get("id") is not None:
            return self._normalise(reply)
        self._profiles = None
        return self.read()

    def update(self, current, desired, changes):
        values = dict(changes)
        if "security" in values and values["security"] != "open" and "passphrase" not in values:
            values["passphrase"] = desired.get("passphrase")  # a new policy takes its key along
        if values.get("security") not in (None, "wpa2_personal") and current.get("fast_transition") and desired.get("fast_transition") is None:
            values["fast_transition"] = False  # only WPA2 Personal has it; it cannot stay on
        reply = self.client.call("ssid_profile_update", self._body(values), group=_as_api_id(self._group.id), ssid=_as_api_id(current["id"]))
        if isinstance(reply, dict) and reply.get("id") is not None:
            return self._normalise(reply)
        after = dict(current)
        after.update((key, value) for key, value in values.items() if value is not None)
        return after

    def delete(self, current):
        self.client.call("ssid_profile_delete", None, group=_as_api_id(self._group.id), ssid=_as_api_id(current["id"]))
