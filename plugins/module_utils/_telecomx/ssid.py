# -*- coding: utf-8 -*-
# Copyright: (c) 2026, wanfleet.routers contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""ssid_profile on TelecomX: the wifi settings of a network device."""

from __future__ import annotations

from ansible_collections.wanfleet.routers.plugins.module_utils.contracts import ssid as contract
from ansible_collections.wanfleet.routers.plugins.module_utils.errors import UnsupportedError
from ansible_collections.wanfleet.routers.plugins.module_utils.resource import Resource
from ansible_collections.wanfleet.routers.plugins.module_utils._telecomx.facts import (
    SECURITY_OPEN,
    SECURITY_WITH_PASSWORD,
    WIFI_BANDS,
)
from ansible_collections.wanfleet.routers.plugins.module_utils._telecomx.inputs import (
    _band_label,
    _input_error,
    model_bands,
)


# ---- ssid_profile --------------------------------------------------------------------------------


class SsidProfileResource(Resource):
    """One band's SSID of a TelecomX device (the device's `wifi` object, per `band`).

    The bands are fixed (the model's radios), so `absent` disables the band (can_delete False),
    and only when it carries this SSID: a band showing another SSID is left alone. Passwords are
    read back in clear, so `passphrase` is compared like any value (and masked in output); an open
    band reads as passphrase "" so that a given passphrase is set even with update_passphrase=on_create.
    """

    secret_keys = ("passphrase",)
    can_delete = False

    def __init__(self, client, params):
        super(SsidProfileResource, self).__init__(client, params)
        self._raw = None

    def validate(self):
        params = self.params
        contract.validate("telecomx", params)
        security = params.get("security")
        if security not in (None, SECURITY_OPEN, SECURITY_WITH_PASSWORD):
            raise UnsupportedError(
                "telecomx: ssid_profile security %s is not supported on platform telecomx: a band is %s (no password) "
                "or %s (a password); the API has no security mode" % (security, SECURITY_OPEN, SECURITY_WITH_PASSWORD),
                platform="telecomx",
            )
        if not params.get("device"):
            raise _input_error("ssid_profile needs device (id, MAC address, serial number or name): each TelecomX device has its own SSIDs")
        if not params.get("band"):
            raise _input_error("ssid_profile needs band (2.4, 5 or 6): each band of a TelecomX device has its own SSID")
        if self._band() is None:
            raise _input_error("ssid_profile band must be one of %s, got %r" % (", ".join(spec[0] for spec in WIFI_BANDS), params["band"]))

    def _band(self):
        return next((spec for spec in WIFI_BANDS if spec[0] == str(self.params.get("band"))), None)

    def read(self):
        raw = self.client.device_raw(self.params["device"])
        self._check_band(raw)
        self._raw = raw
        record = self._record(raw)
        if self.params.get("state") == "absent" and record["name"] != self.params.get("name"):
            return None  # this SSID is not on that band: nothing to disable
        return record

    def _check_band(self, raw):
        model = self.client.model_by_id(raw.get("model"))
        capabilities = model_bands(model)
        if capabilities is None:
            return  # the model (or its capabilities) cannot be read: the API will judge
        has_wifi, bands = capabilities
        where = "device %s (model %s)" % (raw.get("name") or raw.get("_id"), self.client.model_label(model))
        if not has_wifi:
            raise UnsupportedError("telecomx: %s has no Wi-Fi" % where, platform="telecomx")
        band = self._band()[0]
        if band not in bands:
            raise UnsupportedError("telecomx: %s has no %s radio; its bands: %s" % (where, _band_label(band), ", ".join(bands)), platform="telecomx")

    def _record(self, raw):
        band, enabled, ssid, password = self._band()
        wifi = raw.get("wifi") or {}
        secret = wifi.get(password)
        return {
            "device": raw.get("_id"),
            "device_name": raw.get("name"),
            "band": band,
            "name": wifi.get(ssid),
            "enabled": bool(wifi.get(enabled)),
            "security": SECURITY_WITH_PASSWORD if secret else SECURITY_OPEN,
            "passphrase": secret or "",
            "band_steering": wifi.get("bandsteering"),
        }

    def desired(self, current):
        params = self.params
        security, passphrase = params.get("security"), params.get("passphrase")
        if security == SECURITY_OPEN:
            passphrase = ""  # the band's password is removed
        elif passphrase is not None and security is None:
            security = SECURITY_WITH_PASSWORD
        if security == SECURITY_WITH_PASSWORD and not passphrase and not (current or {}).get("passphrase"):
            raise _input_error(
                "ssid_profile: security=%s needs a passphrase: the %s band of device %s has none (it is open)"
                % (SECURITY_WITH_PASSWORD, _band_label(self._band()[0]), params["device"])
            )
        return {"name": params.get("name"), "enabled": params.get("enabled"), "security": security, "passphrase": passphrase}

    def create(self, desired):
        raise UnsupportedError("telecomx: a device's SSIDs are its bands; they are not created", platform="telecomx")

    def delete(self, current):
        raise UnsupportedError("telecomx: a device's SSIDs are its bands; state=absent disables one", platform="telecomx")

    def update(self, current, desired, changes):
        enabled, ssid, password = self._band()[1:]
        # Only this band's keys that change (partial update, see update_device): the other bands, and
        # whatever changed on the device since it was read, stay as they are.
        wifi = {}
        if "name" in changes:
            wifi[ssid] = changes["name"]
        if "enabled" in changes:
            wifi[enabled] = changes["enabled"]
        if "passphrase" in changes:
            wifi[password] = changes["passphrase"] or None  # null: an open band
        elif changes.get("security") == SECURITY_OPEN:
            wifi[password] = None
        self._raw = self.client.post_update(self._raw["_id"], {"wifi": wifi})
        return self._record(self._raw)
