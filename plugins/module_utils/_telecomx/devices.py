# -*- coding: utf-8 -*-
# Copyright: (c) 2026, wanfleet.routers contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""TelecomX network devices and models: listing, lookups, writes and the provisioning waits (a mixin of
TelecomXClient)."""

from __future__ import annotations

from ansible_collections.wanfleet.routers.plugins.module_utils.contracts import devices as device_selection
from ansible_collections.wanfleet.routers.plugins.module_utils.errors import (
    AmbiguousError,
    ApiError,
    InputError,
    MalformedResponseError,
    NotFoundError,
    PermissionDeniedError,
    UnsupportedError,
    WaitTimeoutError,
)
from ansible_collections.wanfleet.routers.plugins.module_utils.models import Device, Ssid, WanConnection, normalize_mac
from ansible_collections.wanfleet.routers.plugins.module_utils.resource import not_existing, values_differ
from ansible_collections.wanfleet.routers.plugins.module_utils.waiting import wait_until
from ansible_collections.wanfleet.routers.plugins.module_utils._telecomx.convert import (
    _OBJECT_ID,
    _drop_none,
    _mac_in,
    _mac_out,
    device_from_api,
    device_to_api,
    mask_wifi_passwords,
)
from ansible_collections.wanfleet.routers.plugins.module_utils._telecomx.facts import (
    DELETING_STATE,
    DEVICES_PATH,
    DEVICE_DELETE_PATH,
    DEVICE_FIELDS,
    DEVICE_FILTER_KEYS,
    DEVICE_LIST_KEY,
    DEVICE_PATH,
    FIRMWARE_KEYS,
    LIST_CONCURRENCY,
    MOBILE_NETWORK_TYPES,
    MODELS_PATH,
    MODEL_LIST_KEYS,
    PAGE_LIMIT,
    PROVISIONED_STATE,
    UPDATABLE_KEYS,
    WAIT_FIRST_POLL_SECONDS,
    WAIT_MAX_POLL_SECONDS,
    WAN_IP_KEYS,
    WIFI_BANDS,
    WIFI_PASSWORD_KEYS,
)


class TelecomXDevices(object):
    """TelecomXClient's device and model calls: listing, lookups, create, update, delete and the waits."""

    def _list_raw(self, customer=None, full=True):
        params = {"full": "true" if full else "false"}
        customer = customer or self.customer
        if customer:
            params["customer"] = customer
        return self.paginate_offset(DEVICES_PATH, params, PAGE_LIMIT, self._split(DEVICES_PATH, (DEVICE_LIST_KEY,)), concurrency=LIST_CONCURRENCY)

    def list_models(self):
        """Every network device model (raw model objects: _id, brand, name, type, capabilities, ...)."""
        if self._models is None:
            self._models = self.paginate_offset(MODELS_PATH, {}, PAGE_LIMIT, self._split(MODELS_PATH, MODEL_LIST_KEYS, any_list=True))
        return self._models

    @staticmethod
    def model_label(model):
        """'TP-LINK XVS-200' for a model object."""
        return " ".join(str(part) for part in (model.get("brand"), model.get("name")) if part) or str(model.get("_id"))

    def resolve_model(self, key):
        """A model by id, name or 'brand name' (case-insensitive) -> its model object."""
        wanted = str(key).strip()
        models = self.list_models()
        found = [model for model in models if str(model.get("_id")) == wanted]
        if not found:
            lowered = wanted.lower()
            found = [model for model in models if lowered in (str(model.get("name") or "").lower(), self.model_label(model).lower())]
        if len(found) == 1:
            return found[0]
        if found:
            raise AmbiguousError(
                "telecomx: model %r matches %d models: %s; give its id"
                % (wanted, len(found), ", ".join("%s (%s)" % (model.get("_id"), self.model_label(model)) for model in found)),
                platform=self.platform,
            )
        raise NotFoundError(
            "telecomx: no network device model %r; models: %s"
            % (wanted, ", ".join("%s (%s)" % (self.model_label(model), model.get("_id")) for model in models) or "none"),
            platform=self.platform,
        )

    # ---- devices: CRUD --------------------------------------------------------------------

    def _get_raw(self, device_id):
        return self._device_payload(self.request("GET", DEVICE_PATH % device_id), "GET", DEVICE_PATH % device_id)

    def _device_payload(self, payload, method, path):
        if not isinstance(payload, dict) or "_id" not in payload:
            raise MalformedResponseError(
                "telecomx: %s %s answered something that is not a network device" % (method, path),
                platform=self.platform,
                method=method,
                url=self.url(path),
                body=self.redactor.data(mask_wifi_passwords(payload)),
            ).redacted(self.redactor)
        for key in WIFI_PASSWORD_KEYS:  # wifi passwords come back in clear: keep them out of any message
            self.redactor.add((payload.get("wifi") or {}).get(key))
        return payload

    def get_device(self, device_id):
        """One device by its id, as the module's snake_case record (NotFoundError if there is none)."""
        return device_from_api(self._get_raw(device_id))

    def device_raw(self, key, customer=None):
        """One device's API object by id, MAC, serial number or name (NotFoundError / AmbiguousError).

        Its wifi passwords are in clear (the API returns them): they go to the redactor here and
        must never reach a result unmasked.
        """
        return self._device_payload(self._one_raw(str(key).strip(), customer), "GET", DEVICES_PATH)

    def cellular(self, devices):
        """TelecomX documents no modem fields beyond a signal percentage (status.signalStrength): no `cellular`."""
        return {}

    def locations(self, devices):
        """TelecomX documents no device position: every location is None."""
        return dict((device.id, None) for device in devices)

    def config_backup(self, device):
        """A device's backup: the writable properties of its device object (create page, "Request")
        and its id, as JSON, with the wifi passwords removed. The read-only `status`, `state` and
        `jobs` are live state, not configuration, and would make every backup look changed."""
        raw = self._get_raw(device.id)
        document = dict((api, raw[api]) for module, api in (("id", "_id"),) + DEVICE_FIELDS if api in raw)
        if isinstance(document.get("wifi"), dict):
            document["wifi"] = dict((key, value) for key, value in document["wifi"].items() if key not in WIFI_PASSWORD_KEYS)
        return {"format": "json", "document": document}

    def model_by_id(self, model_id):
        """The model object of this id, or None when it is not listed or the list cannot be read."""
        try:
            models = self.list_models()
        except (PermissionDeniedError, NotFoundError, MalformedResponseError):
            return None
        return next((model for model in models if str(model.get("_id")) == str(model_id)), None)

    def find_device(self, key, customer=None):
        """The device whose id or MAC address (any notation) is `key`, or None (for the module's read)."""
        key = str(key).strip()
        if _OBJECT_ID.match(key):
            try:
                return self.get_device(key)
            except NotFoundError:
                return None
        mac = _mac_out(key, "mac_address")
        for raw in self._list_raw(customer, full=True):
            if str(raw.get("macAddress") or "").lower() == mac:
                return device_from_api(self._device_payload(raw, "GET", DEVICES_PATH))
        return None

    def create_device(self, params):
        """Create a device from the module's snake_case options; returns the new device (snake_case).

        Never retried (POST): a resend after a lost answer would meet 422 macAddress.
        """
        self.require_write("create network devices")
        body = device_to_api(params)
        if "customer" not in body:
            customer = self.customer or self.login_customer
            if customer:
                body["customer"] = customer
        if isinstance(body.get("model"), str) and not _OBJECT_ID.match(body["model"]):
            body["model"] = self.resolve_model(body["model"])["_id"]
        return device_from_api(self._device_payload(self.request("POST", DEVICES_PATH, json=body), "POST", DEVICES_PATH))

    def update_device(self, device_id, changes, current=None):
        """Apply `changes` (snake_case, only what changes) to a device; returns it (snake_case).

        The update sets absolute values, so a resend after a lost answer changes nothing more:
        it is retried like a PUT (idempotent=True). With `current` (the device as read), a
        `wifi`/`dhcp` change carries only the keys whose value differs: the update takes partial
        objects ("Only properties to update needs to be provided", and its example sends two wifi
        keys), so a key someone else changed since the read is not written back as it was.
        """
        unsupported = sorted(set(changes) - set(UPDATABLE_KEYS))
        if unsupported:
            raise UnsupportedError(
                "telecomx: an existing device's %s cannot be changed (the update takes %s); "
                "delete and re-create the device to change it" % (", ".join(unsupported), ", ".join(UPDATABLE_KEYS)),
                platform=self.platform,
            )
        changes = dict(changes)
        for key in ("wifi", "dhcp"):
            if current is not None and isinstance(changes.get(key), dict) and isinstance(current.get(key), dict):
                changes[key] = dict((name, value) for name, value in _drop_none(changes[key]).items() if values_differ(value, current[key].get(name)))
        return device_from_api(self.post_update(device_id, device_to_api(changes, partial=True)))

    def post_update(self, device_id, body):
        """Send one update body (API names, exactly as given: a null is sent as null); returns the raw device.

        The update sets absolute values, so it is retried like a PUT (idempotent=True).
        """
        self.require_write("update network devices")
        path = DEVICE_PATH % device_id
        return self._device_payload(self.request("POST", path, json=body, idempotent=True), "POST", path)

    def delete_device(self, device_id):
        """Delete a device (inferred DELETE: the wiki has no delete page). True when deleted, False when it was already gone.

        A 404 is only "already gone" when a GET agrees; if the device is still there, the
        DELETE path itself is wrong and the error says so.
        """
        self.require_write("delete network devices")
        path = DEVICE_DELETE_PATH % device_id
        try:
            self.request("DELETE", path)
        except NotFoundError as exc:
            try:
                self._get_raw(device_id)
            except NotFoundError:
                return False
            exc.message += " (the device exists: the inferred delete call %s may be wrong)" % path
            exc.args = (exc.message,)
            raise
        return True

    def wait_provisioned(self, device_id, timeout=300.0, sleep=WAIT_MAX_POLL_SECONDS, first_sleep=WAIT_FIRST_POLL_SECONDS):
        """Poll the device until `jobs == 0` and `state == ACTIVE`; return it (snake_case).

        The pauses between polls double from `first_sleep` up to `sleep`.
        """
        last = {}

        def provisioned():
            last["raw"] = raw = self._get_raw(device_id)
            if raw.get("state") == DELETING_STATE:
                raise ApiError(
                    "telecomx: device %s is being deleted (state DELETING); it will not be provisioned" % device_id,
                    platform=self.platform,
                    method="GET",
                    url=self.url(DEVICE_PATH % device_id),
                )
            return raw.get("state") == PROVISIONED_STATE and not raw.get("jobs")

        if not self._wait_until(provisioned, timeout, sleep, first_sleep):
            raise WaitTimeoutError(
                "telecomx: device %s was not provisioned within %ss (state %s, %s job(s) in progress)"
                % (device_id, _seconds(timeout), last["raw"].get("state"), last["raw"].get("jobs") or 0),
                platform=self.platform,
                method="GET",
                url=self.url(DEVICE_PATH % device_id),
            )
        return device_from_api(last["raw"])

    def wait_deleted(self, device_id, timeout=300.0, sleep=WAIT_MAX_POLL_SECONDS, first_sleep=WAIT_FIRST_POLL_SECONDS):
        """Poll the device until a GET answers 404 (de-provisioning done, its MAC free again)."""
        last = {}

        def gone():
            try:
                last["raw"] = self._get_raw(device_id)
            except NotFoundError:
                return True
            return False

        if not self._wait_until(gone, timeout, sleep, first_sleep):
            raise WaitTimeoutError(
                "telecomx: device %s was not gone within %ss after its deletion (state %s)" % (device_id, _seconds(timeout), last["raw"].get("state")),
                platform=self.platform,
                method="GET",
                url=self.url(DEVICE_PATH % device_id),
            )
        return True

    def _wait_until(self, ready, timeout, sleep, first_sleep):
        return wait_until(ready, timeout, min(float(first_sleep), float(sleep)), max_interval=sleep, clock=self._clock, sleep=self._sleep)

    # ---- devices: the device_info / inventory records ---------------------------------------

    def devices(self, device=None, group=None, filters=None, detail=True):
        """Devices as models.Device records: one (`device`: id, MAC, serial or name) or all.

        TelecomX has no groups. `filters` (keys: customer, name, model, status, state, mac,
        serial) are applied here, after listing, except `customer`, the one filter the API
        takes. A value may be a list (any of); name, model and serial take shell patterns.
        """
        device_selection.refuse_selection(self.platform, {"group": group})
        filters = dict(filters or {})
        unknown = sorted(set(filters) - set(DEVICE_FILTER_KEYS))
        if unknown:
            raise InputError(
                "telecomx: unknown filter(s) %s; TelecomX devices can be filtered by %s" % (", ".join(unknown), ", ".join(DEVICE_FILTER_KEYS)),
                platform=self.platform,
            )
        customer = filters.pop("customer", None)
        if device is not None:
            raws = [self._one_raw(str(device).strip(), customer)]
        else:
            raws = self._list_raw(customer, full=detail)
        labels = self._model_labels()
        records = [self._record(raw, labels) for raw in raws]
        return [record for record in records if _filters_match(record, filters)]

    def _one_raw(self, key, customer):
        if _OBJECT_ID.match(key):
            try:
                return self._get_raw(key)
            except NotFoundError:
                pass  # a 24-hex name or serial number: look in the list
        # Matching a serial number needs full items (condensed ones have none).
        candidates = self._list_raw(customer, full=True)
        found = [raw for raw in candidates if self._record(raw, {}).matches(key)]
        if len(found) == 1:
            return found[0]
        if found:
            raise AmbiguousError(
                "telecomx: %r matches %d devices: %s; give the id or MAC address"
                % (
                    key,
                    len(found),
                    ", ".join(
                        "%s (name %s, MAC %s, serial %s)" % (raw.get("_id"), raw.get("name"), _mac_in(raw.get("macAddress")), raw.get("serialNumber"))
                        for raw in found
                    ),
                ),
                platform=self.platform,
            )
        raise not_existing(
            NotFoundError(
                "telecomx: no network device matches %r by id, MAC address, serial number or name (%d devices listed%s)"
                % (key, len(candidates), " for customer %s" % (customer or self.customer) if customer or self.customer else ""),
                platform=self.platform,
            ),
            "device",
            key,
        )

    def _model_labels(self):
        """model id -> 'brand name'; a model list the account cannot read only costs the label."""
        try:
            return dict((str(model.get("_id")), self.model_label(model)) for model in self.list_models())
        except (PermissionDeniedError, NotFoundError, MalformedResponseError):
            return {}

    def _record(self, raw, labels):
        status = raw.get("status") if isinstance(raw.get("status"), dict) else {}
        online = status.get("online", raw.get("online"))
        model_id = raw.get("model")
        model = labels.get(str(model_id)) or " ".join(filter(None, (raw.get("modelBrand"), str(model_id) if model_id else None))) or None
        firmware = next((str(source[key]) for source in (raw, status) for key in FIRMWARE_KEYS if source.get(key)), None)
        mac = raw.get("macAddress")
        try:
            mac = normalize_mac(mac)
        except ValueError:
            mac = None  # not a MAC: leave it out of the record rather than fail the listing (raw keeps it)
        return Device(
            platform=self.platform,
            id=raw.get("_id"),
            name=raw.get("name"),
            serial=raw.get("serialNumber"),
            mac=mac,
            model=model,
            firmware=firmware,
            status="unknown" if online is None else online,
            wan=_wan(status, online),
            ssids=_ssids(raw.get("wifi")),
            raw=mask_wifi_passwords(raw),
        )


def _wan(status, online):
    """One WAN record from the status block: TelecomX reports the uplink's addresses, not its connections."""
    ip = next((status[key] for key in WAN_IP_KEYS if status.get(key)), None)
    if ip is None:
        return []
    network = MOBILE_NETWORK_TYPES.get(str(status.get("networkType")))
    return [
        WanConnection(
            id="wan", name="WAN", type="cellular" if network else None, status=None if online is None else ("connected" if online else "disconnected"), ip=ip
        )
    ]


def _ssids(wifi):
    if not isinstance(wifi, dict):
        return []
    ssids = []
    for band, enabled, ssid, _password in WIFI_BANDS:
        if wifi.get(ssid) or wifi.get(enabled):
            ssids.append(Ssid(id=band, name=wifi.get(ssid), enabled=bool(wifi.get(enabled))))
    return ssids


def _filters_match(record, filters):
    for key, wanted in filters.items():
        if wanted is None:
            continue
        if key == "state":
            have = (record.raw or {}).get("state")
        elif key == "mac":
            have = record.mac
            wanted = [_mac_in(value) for value in (wanted if isinstance(wanted, (list, tuple)) else [wanted])]
        else:
            have = getattr(record, key)
        if not record.passes(key, wanted, have):
            return False
    return True


def _seconds(value):
    value = float(value)
    return int(value) if value.is_integer() else value
