# -*- coding: utf-8 -*-
# Copyright: (c) 2026, wanfleet.routers contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""telecomx_device: a TelecomX network device."""

from __future__ import annotations

from ansible_collections.wanfleet.routers.plugins.module_utils.errors import (
    ConflictError,
    NotFoundError,
    UnsupportedError,
)
from ansible_collections.wanfleet.routers.plugins.module_utils.interrupt import Interrupted
from ansible_collections.wanfleet.routers.plugins.module_utils.resource import Resource
from ansible_collections.wanfleet.routers.plugins.module_utils._telecomx.facts import (
    DELETING_STATE,
    PROVISIONED_STATE,
    UPDATABLE_KEYS,
)
from ansible_collections.wanfleet.routers.plugins.module_utils._telecomx.inputs import (
    SNAKE_WIFI_BANDS,
    _band_label,
    _input_error,
    _mac_option,
    _reservations_against,
    check_dhcp_pool,
    check_object_id,
    dhcp_input,
    model_bands,
    wifi_input,
)


# ---- telecomx_device ---------------------------------------------------------------------------


class TelecomXDeviceResource(Resource):
    """One network device for the telecomx_device module (records: device_from_api's snake_case).

    The wifi passwords are nested (wifi.password, wifi.password_5g, ...): resource.ensure() masks
    secret-named keys at any depth in results and diffs; they are compared like any value, the API
    returning them in clear. `update_password: on_create` drops the given passwords of bands that
    already have one, so an existing device's passwords are left alone.
    """

    secret_keys = ()
    can_delete = True

    def __init__(self, client, params):
        super(TelecomXDeviceResource, self).__init__(client, params)
        self._mac = None
        self._wifi = {}
        self._dhcp = {}
        self._deleting = None

    def validate(self):
        params = self.params
        check_object_id(params.get("id"), "id")
        for key in ("customer", "mvno_account"):
            check_object_id(params.get(key), key)
        if params.get("mac_address") is not None:
            self._mac = _mac_option(params["mac_address"], "mac_address")
        if not params.get("id") and not self._mac:
            raise _input_error("telecomx_device needs id or mac_address to find the device")
        if params.get("name") is not None and not str(params["name"]).strip():
            raise _input_error("name must not be empty")
        if params.get("wait_timeout") is not None and params["wait_timeout"] < 0:
            raise _input_error("wait_timeout must not be negative")
        self._wifi = wifi_input(params.get("wifi"))
        self._dhcp = dhcp_input(params.get("dhcp"))

    def read(self):
        params = self.params
        if params.get("id"):
            current = self.client.find_device(params["id"])
        else:
            current = self.client.find_device(self._mac, customer=params.get("customer"))
        if current is not None and current.get("state") == DELETING_STATE:
            self._deleting = current  # on its way out: absent already, and its MAC is not free yet
            return None
        if (
            current is not None
            and self.params.get("wait")
            and self.params.get("state") != "absent"
            and (current.get("state") != PROVISIONED_STATE or current.get("jobs"))
        ):
            # Still provisioning (a create whose wait was interrupted, or another run's): `wait` means the device is
            # ready when the task returns, whether or not this run changes it.
            current = self.client.wait_provisioned(current["id"], timeout=self.params.get("wait_timeout") or 0)
        return current

    def desired(self, current):
        params = self.params
        if current is None:
            self._check_creatable()
        model = self._model(current)
        desired = {
            "name": params.get("name"),
            "model": None if model is None else model.get("_id"),
            "customer": check_object_id(params.get("customer"), "customer"),
            "mac_address": self._mac,
            "serial_number": params.get("serial_number"),
            "mvno_account": check_object_id(params.get("mvno_account"), "mvno_account"),
            "notes": params.get("notes"),
            "wifi": self._desired_wifi(current, model),
            "dhcp": self._desired_dhcp(current),
        }
        if current is not None:
            self._check_fixed(current, desired)
        return desired

    def _check_creatable(self):
        params = self.params
        if self._deleting is not None:
            raise ConflictError(
                "telecomx: device %s (MAC %s) is being deleted (state DELETING) and its MAC address stays in use "
                "until TelecomX has finished; run again later, or delete it with state=absent and wait=true first"
                % (self._deleting.get("id"), self._deleting.get("mac_address")),
                platform="telecomx",
            )
        if params.get("id"):
            raise NotFoundError(
                "telecomx: no network device with id %s; TelecomX assigns ids, so to create a device give its mac_address without id" % params["id"],
                platform="telecomx",
            )
        missing = [key for key in ("name", "model", "mac_address") if not params.get(key)]
        if missing:
            raise _input_error(
                "no device has MAC address %s; creating it needs %s (missing: %s)" % (self._mac, "name, model and mac_address", ", ".join(missing))
            )

    def _model(self, current):
        """The model object for `model` (id or name), else the current device's; None when unknown or not needed."""
        wanted = self.params.get("model")
        if wanted is not None:
            wanted = str(wanted).strip()
            if current is not None and wanted.lower() == str(current.get("model")).lower() and not self._wifi:
                return {"_id": current.get("model")}  # the same id and nothing to check: no model list needed
            return self.client.resolve_model(wanted)
        if self._wifi and current is not None:
            return self.client.model_by_id(current.get("model"))
        return None

    def _desired_wifi(self, current, model):
        wifi = dict(self._wifi)
        if not wifi:
            return None
        have = ((current or {}).get("wifi") or {}) if current is not None else {}
        if current is not None and self.params.get("update_password") == "on_create":
            for band, enabled, ssid, password in SNAKE_WIFI_BANDS:
                if password in wifi and have.get(password) not in (None, ""):
                    del wifi[password]  # an existing password is left alone; a band without one gets it
        capabilities = model_bands(model)
        if capabilities is not None:
            has_wifi, bands = capabilities
            label = self.client.model_label(model)
            if not has_wifi:
                raise UnsupportedError("telecomx: model %s has no Wi-Fi; leave the wifi option out" % label, platform="telecomx")
            for band, enabled, ssid, password in SNAKE_WIFI_BANDS:
                if band not in bands and (wifi.get(enabled) is True or wifi.get(ssid) or wifi.get(password)):
                    raise UnsupportedError(
                        "telecomx: model %s has no %s radio, so wifi.%s cannot be set (its bands: %s)"
                        % (
                            label,
                            _band_label(band),
                            enabled if wifi.get(enabled) else (ssid if wifi.get(ssid) else password),
                            ", ".join(_band_label(item) for item in bands) or "none",
                        ),
                        platform="telecomx",
                    )
        merged = dict(have, **wifi)
        for band, enabled, ssid, password in SNAKE_WIFI_BANDS:
            if merged.get(enabled) and not merged.get(ssid):
                raise _input_error("wifi.%s is true but the %s band has no SSID: give wifi.%s" % (enabled, _band_label(band), ssid))
        return wifi or None

    def _desired_dhcp(self, current):
        dhcp = dict(self._dhcp)
        if not dhcp:
            return None
        have = ((current or {}).get("dhcp") or {}) if current is not None else {}
        if "reserved_clients" in dhcp:
            dhcp["reserved_clients"] = _reservations_against(dhcp["reserved_clients"], have.get("reserved_clients"))
        check_dhcp_pool(dict(have, **dhcp), complete=True, current=current is not None)
        return dhcp

    def _check_fixed(self, current, desired):
        for key in ("model", "customer", "serial_number", "mvno_account"):
            wanted = desired.get(key)
            if wanted is not None and str(wanted).lower() != str(current.get(key)).lower():
                raise UnsupportedError(
                    "telecomx: the %s of an existing device cannot be changed (the update call takes %s): device %s "
                    "has %r, the task asks for %r; delete and re-create the device to change it"
                    % (key, ", ".join(UPDATABLE_KEYS), current.get("id"), current.get(key), wanted),
                    platform="telecomx",
                )

    def create(self, desired):
        device = self.client.create_device(dict((key, value) for key, value in desired.items() if value is not None))
        return self._wait(device)

    def update(self, current, desired, changes):
        return self._wait(self.client.update_device(current["id"], changes, current=current))

    def delete(self, current):
        self.client.delete_device(current["id"])
        if self.params.get("wait"):
            self.client.wait_deleted(current["id"], timeout=self.params.get("wait_timeout") or 0)

    def _wait(self, device):
        if self.params.get("wait"):
            try:
                return self.client.wait_provisioned(device["id"], timeout=self.params.get("wait_timeout") or 0)
            except Interrupted as error:
                error.message += "; device %s was saved and was still provisioning: the next run finds it and compares it again" % device["id"]
                raise
        return device
