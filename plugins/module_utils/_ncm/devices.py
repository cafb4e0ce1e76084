# -*- coding: utf-8 -*-
# Copyright: (c) 2026, wanfleet.routers contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""NCM routers as Device records, groups, firmware, reference data and reboots (a mixin of NcmClient)."""

from __future__ import annotations

from ansible_collections.wanfleet.routers.plugins.module_utils.errors import AmbiguousError, InputError, NotFoundError
from ansible_collections.wanfleet.routers.plugins.module_utils.models import (
    PATTERN_FILTERS,
    Device,
    Group,
    WanConnection,
    cellular_record,
    has_pattern,
    location_record,
)
from ansible_collections.wanfleet.routers.plugins.module_utils.resource import not_existing
from ansible_collections.wanfleet.routers.plugins.module_utils._ncm.common import (
    _as_list,
    _epoch,
    _filter_value,
    _listing,
    _number,
    _priority,
    _ref_id,
    _safe_mac,
)
from ansible_collections.wanfleet.routers.plugins.module_utils._ncm.config_tree import (
    _default_tree,
    config_effective,
    ssids_from_config,
    wan_rules_from_config,
)
from ansible_collections.wanfleet.routers.plugins.module_utils._ncm.facts import (
    CELLULAR_NET_DEVICE_FIELDS,
    CLIENT_SIDE_FILTERS,
    FIRMWARE_DEFAULTS_PATH,
    FIRMWARE_DEFAULTS_UNKNOWN,
    GROUP_FIELDS,
    IN_FILTER_LIMIT,
    LOCATION_FIELDS,
    MODEM_TYPES,
    NET_DEVICE_FIELDS,
    NET_DEVICE_PRIORITY_FIELD,
    NET_DEVICE_WAN_MODE,
    REBOOT_NET_DEVICE_FIELDS,
    REBOOT_ROUTER_FIELDS,
    ROAM_HOME,
    ROUTER_FILTERS,
    ROUTER_FILTER_ALIASES,
    ROUTER_PAGE_CONCURRENCY,
    ROUTER_SUMMARY_FIELDS,
    SIGNAL_SAMPLE_FIELDS,
    SSID_CONFIG_SOURCE,
    router_mac_notations,
)


class NcmDevices(object):
    """NcmClient's reads of routers, groups, firmware and reference data, and its reboot calls."""

    # ---- device_info include -------------------------------------------------------------------

    def cellular(self, devices):
        """{router id: {net_device id: cellular}}: the routers' WAN modems (net_devices, `router__in`) and the
        newest signal sample of each (net_device_signal_samples, `net_device__in`): two listings per 100
        routers, never a request per router."""
        modems = [item for item in self.list_in("net_devices", "router", [device.id for device in devices],
                                                fields=CELLULAR_NET_DEVICE_FIELDS)
                  if str(item.get("mode") or "").lower() == NET_DEVICE_WAN_MODE and item.get("type") in MODEM_TYPES]
        newest = {}
        if modems:
            for sample in self.list_in("net_device_signal_samples", "net_device", [item["id"] for item in modems],
                                       fields=SIGNAL_SAMPLE_FIELDS):
                key = _ref_id(sample.get("net_device"))
                if key not in newest or str(sample.get("created_at")) > str(newest[key].get("created_at")):
                    newest[key] = sample
        found = {}
        for item in modems:
            modem_id = _ref_id(item.get("id"))
            sample = newest.get(modem_id, {})
            roam = item.get("roam")
            found.setdefault(_ref_id(item.get("router")), {})[modem_id] = cellular_record(
                carrier=item.get("carrier"), technology=item.get("service_type"), band=item.get("rfband"),
                rsrp=sample.get("rsrp"), rsrq=sample.get("rsrq"), sinr=sample.get("sinr"), rssi=sample.get("rssi"),
                imei=item.get("imei"), iccid=item.get("iccid"), imsi=item.get("imsi"), apn=item.get("apn"),
                roaming=None if roam in (None, "") else str(roam) != ROAM_HOME)
        return found

    def locations(self, devices):
        """{router id: location or None} from one `locations` listing (`router__in`)."""
        found = dict((device.id, None) for device in devices)
        for item in self.list_in("locations", "router", list(found), fields=LOCATION_FIELDS):
            found[_ref_id(item.get("router"))] = location_record(
                item.get("latitude"), item.get("longitude"), accuracy_m=item.get("accuracy"), method=item.get("method"),
                updated_at=item.get("updated_at"))
        return found

    # ---- firmware ----------------------------------------------------------------------------

    def group_firmware(self, key):
        """{group: Group, product_id, target: {id, version} or None} of a group (id or name).

        A router runs its group's `target_firmware` (groups, L3708; routers, L6142)."""
        raw = self.find_group_raw(key)
        target_id = _ref_id(raw.get("target_firmware"))
        target = None
        if target_id is not None:
            found = self.list("firmwares", {"id": target_id}, fields=("id", "version"))
            target = {"id": target_id, "version": found[0].get("version") if found else None}
        return {"group": self._group(raw), "product_id": _ref_id(raw.get("product")), "target": target}

    def product_firmware(self, version, product_id):
        """{id, version} of `version` for a product; InputError lists the product's versions.

        Firmwares are filtered by version on the server and matched to the product here (product is
        not a firmwares filter, L3294)."""
        matches = [item for item in self.firmwares(version=version) if item["product_id"] == product_id]
        if len(matches) == 1:
            return {"id": matches[0]["id"], "version": matches[0]["version"]}
        names = dict((item["id"], item["name"]) for item in self.products())
        versions = sorted(set(item["version"] for item in self.firmwares(product=product_id)))
        raise InputError("ncm: firmware %r is not available for product %s; its versions: %s"
                         % (version, names.get(product_id, product_id), _listing(versions, limit=40)), platform=self.platform)

    def set_group_firmware(self, group_id, firmware_id):
        """PATCH the group's target_firmware (a full URL, L6868); its routers then upgrade (L3708)."""
        self.patch("groups", group_id, {"target_firmware": self.resource_url("firmwares", firmware_id)})

    def actual_firmwares(self, router_ids):
        """{router id: firmware id the router reports (actual_firmware, L6117) or None}."""
        routers = self.list_in("routers", "id", router_ids, fields=("id", "actual_firmware"))
        return dict((_ref_id(item.get("id")), _ref_id(item.get("actual_firmware"))) for item in routers)

    # ---- reference data -----------------------------------------------------------------------

    def groups(self, params=None):
        return [self._group(item) for item in self.list("groups", params, fields=GROUP_FIELDS)]

    def find_group(self, key):
        """The group with this id or name; AmbiguousError lists same-named groups."""
        return self._group(self.find_group_raw(key))

    def find_group_raw(self, key, fields=GROUP_FIELDS):
        """The raw groups record with this id or name (id first when the key is all digits)."""
        key = _filter_value(key).strip()
        if key.isdigit():
            found = self.list("groups", {"id": key}, fields=fields)
            if found:
                return found[0]
        found = self.list("groups", {"name": key}, fields=fields)
        return self._one(found, key, "group", lambda item: "%s (id %s)" % (item.get("name"), item.get("id")))

    def products(self):
        """[{id, name, device_type, series}], listed once per client (products do not change during a run)."""
        if self._products is None:
            self._products = [dict(id=_ref_id(item.get("id")), name=item.get("name"), device_type=item.get("device_type"),
                                   series=item.get("series"))
                              for item in self.list("products", fields=("id", "name", "device_type", "series"))]
        return self._products

    def find_product(self, key):
        """A product by id, URL or name (e.g. "IBR600")."""
        key = _filter_value(key)
        matches = [item for item in self.products() if key in (item["id"], item["name"])]
        return self._one(matches, key, "product", lambda item: "%s (id %s)" % (item["name"], item["id"]))

    def firmwares(self, product=None, version=None):
        """[{id, version, product_id, is_deprecated}]; `product` (id, URL or name) is matched on the
        client because firmwares cannot be filtered by product (L3294)."""
        product_id = self.find_product(product)["id"] if product not in (None, "") else None
        params = {"version": version} if version not in (None, "") else None
        records = [dict(id=_ref_id(item.get("id")), version=item.get("version"), product_id=_ref_id(item.get("product")),
                        is_deprecated=item.get("is_deprecated"))
                   for item in self.list("firmwares", params, fields=("id", "version", "product", "is_deprecated"))]
        return [record for record in records if product_id is None or record["product_id"] == product_id]

    def find_firmware(self, version, product):
        """The firmware of `product` with this version (a group's target_firmware)."""
        matches = self.firmwares(product=product, version=version)
        return self._one(matches, "%s for product %s" % (version, product), "firmware",
                         lambda item: "%s (id %s)" % (item["version"], item["id"]))

    def accounts(self, params=None):
        """[{id, name, parent_id, is_disabled}]."""
        return [dict(id=_ref_id(item.get("id")), name=item.get("name"), parent_id=_ref_id(item.get("account")),
                     is_disabled=item.get("is_disabled"))
                for item in self.list("accounts", params, fields=("id", "name", "account", "is_disabled"))]

    def find_account(self, key):
        key = _filter_value(key)
        field = "id" if key.isdigit() else "name"
        return self._one(self.accounts({field: key}), key, "account", lambda item: "%s (id %s)" % (item["name"], item["id"]))

    def users(self, emails=None):
        """[{id, email, username, first_name, last_name, account_id}]; `emails` filters with email__in."""
        fields = ("id", "email", "username", "first_name", "last_name", "account")
        items = self.list_in("users", "email", emails, fields=fields) if emails is not None else self.list("users", fields=fields)
        return [dict(id=_ref_id(item.get("id")), email=item.get("email"), username=item.get("username"),
                     first_name=item.get("first_name"), last_name=item.get("last_name"), account_id=_ref_id(item.get("account")))
                for item in items]

    def _one(self, matches, key, kind, describe):
        if not matches:
            error = NotFoundError("ncm: no %s matches %r" % (kind, key), platform=self.platform)
            # a group or device an earlier task of a --check play may create; not a product or firmware
            raise not_existing(error, kind, key) if kind in ("group", "device") else error
        if len(matches) > 1:
            raise AmbiguousError("ncm: %s %r is ambiguous; candidates: %s; give the id"
                                 % (kind, key, ", ".join(describe(item) for item in matches)), platform=self.platform)
        return matches[0]

    def _group(self, item):
        return Group(platform=self.platform, id=_ref_id(item.get("id")), name=item.get("name") or "", raw=item)

    # ---- devices ----------------------------------------------------------------------------

    def devices(self, device=None, group=None, filters=None, detail=True):
        """Devices as Device records: one (`device`: id, serial, name or MAC), a group's, or all.

        `filters` are routers filters (L6106-6140; lists become `__in`), plus `product`/`model`
        (matched on the client). Group names, models and firmware versions come from one listing
        each, never a request per device. With detail, WAN connections (net_devices) and SSIDs
        (configuration_managers) come in `router__in` chunks of 100; without it, the routers
        listing asks only for the fields the record needs.
        """
        patterns = dict((key, value) for key, value in (filters or {}).items() if key in PATTERN_FILTERS and has_pattern(value))
        params, product_ids = self._router_filters(dict((key, value) for key, value in (filters or {}).items()
                                                        if key not in patterns))
        known_groups = {}
        if group not in (None, ""):
            found = self.find_group(group)
            params["group"], known_groups[found.id] = found.id, found.name
        fields = None if detail else ROUTER_SUMMARY_FIELDS
        routers = self._find_router(device, params, fields) if device not in (None, "") else self._routers(params, fields)
        if product_ids is not None:
            routers = [router for router in routers if _ref_id(router.get("product")) in product_ids]
        records = self._device_records(routers, detail, known_groups)
        # A shell pattern is no routers filter: it is matched on the listing, the way the other platforms match.
        return [record for record in records if all(record.passes(key, value) for key, value in patterns.items())]

    def _router_filters(self, filters):
        params, product_ids = {}, None
        for key, value in (filters or {}).items():
            if value is None or value == [] or value == "":
                continue
            name = ROUTER_FILTER_ALIASES.get(key, key)
            field, operator = (name.split("__", 1) + [""])[:2]
            if field in CLIENT_SIDE_FILTERS and operator in ("", "in"):
                product_ids = set(self.find_product(item)["id"] for item in _as_list(value))
                continue
            if field not in ROUTER_FILTERS or operator not in ROUTER_FILTERS[field]:
                raise InputError("ncm: %r is not a device filter; use one of: %s" % (
                    key, ", ".join(sorted(set(ROUTER_FILTERS) | set(ROUTER_FILTER_ALIASES) | set(CLIENT_SIDE_FILTERS)))),
                    platform=self.platform)
            values = _as_list(value)
            if field == "group":
                values = [self.find_group(item).id for item in values]
            elif field == "account":
                values = [self.find_account(item)["id"] for item in values]
            elif field == "mac":
                params["mac__in"] = [notation for item in values for notation in self._mac_notations(item)]
                continue
            if isinstance(value, (list, tuple, set, frozenset)) and operator == "":
                if len(values) == 1:
                    value = values[0]
                elif "in" in ROUTER_FILTERS[field]:
                    name, value = field + "__in", values
                else:
                    raise InputError("ncm: filter %s takes one value" % key, platform=self.platform)
            else:
                value = values if operator == "in" else values[0]
            params[name] = value
        return params, product_ids

    def _mac_notations(self, value):
        try:
            return router_mac_notations(value)
        except ValueError:
            raise InputError("ncm: %r is not a MAC address" % (value,), platform=self.platform)

    def _routers(self, params, fields):
        """routers/ with the filters; an `__in` filter of more than 100 values is split."""
        long_filters = [key for key, value in params.items()
                        if key.endswith("__in") and isinstance(value, list) and len(value) > IN_FILTER_LIMIT]
        if len(long_filters) > 1:
            raise InputError("ncm: only one filter may list more than %d values" % IN_FILTER_LIMIT, platform=self.platform)
        if long_filters:
            rest = dict(params)
            values = rest.pop(long_filters[0])
            return self.list_in("routers", long_filters[0], values, params=rest, fields=fields)
        return self.list("routers", params, fields=fields, concurrency=ROUTER_PAGE_CONCURRENCY)

    def _find_router(self, key, params, fields):
        """One router by id, MAC, serial number or name, asked in that order until one matches."""
        key = _filter_value(key).strip()
        candidates = []
        if key.isdigit():
            candidates.append(("id", key))
        mac = _safe_mac(key)
        if mac:
            candidates.append(("mac__in", router_mac_notations(mac)))
        candidates += [("serial_number", key), ("name", key)]
        for field, value in candidates:
            found = self.list("routers", dict(params, **{field: value}), fields=fields)
            if found:
                self._one(found, key, "device", lambda item: "%s (id %s, serial %s)"
                          % (item.get("name"), item.get("id"), item.get("serial_number")))
                return found
        raise not_existing(NotFoundError("ncm: no device has the id, MAC, serial number or name %r%s"
                                         % (key, " in group %s" % params["group"] if params.get("group") else ""),
                                         platform=self.platform), "device", key)

    def _device_records(self, routers, detail, known_groups=None):
        router_ids = [_ref_id(router.get("id")) for router in routers]
        group_names = self._names("groups", [router.get("group") for router in routers], "name", known=known_groups)
        product_names = dict((item["id"], item["name"]) for item in self.products()) if routers else {}
        firmware_versions = self._names("firmwares", [router.get("actual_firmware") for router in routers], "version",
                                        full_listing=False)
        wan = self._wan_connections(router_ids) if detail and routers else {}
        ssids, wan_rules = self._configured(routers, router_ids) if detail and routers else ({}, {})
        devices = []
        for router, router_id in zip(routers, router_ids):
            group_id = _ref_id(router.get("group"))
            product = product_names.get(_ref_id(router.get("product")))
            full_name = router.get("full_product_name")
            devices.append(Device(
                platform=self.platform, id=router_id, name=router.get("name"), serial=router.get("serial_number"),
                mac=_safe_mac(router.get("mac")),
                model=product or (full_name if full_name not in (None, "", "unknown") else None),
                firmware=firmware_versions.get(_ref_id(router.get("actual_firmware"))),
                status=router.get("state"), group=group_names.get(group_id), group_id=group_id,
                wan=wan.get(router_id, []), ssids=ssids.get(router_id, []),
                wan_rules=wan_rules.get(router_id, []) if detail else None, raw=router,
            ))
        return devices

    def _names(self, endpoint, references, attribute, full_listing=True, known=None):
        """{id: attribute} for the referenced objects (beyond those `known`): `id__in` chunks, or
        one full listing when that takes fewer requests (more than 100 ids of a small endpoint)."""
        names = dict(known or {})
        ids = sorted(set(_ref_id(reference) for reference in references) - {None} - set(names))
        if not ids:
            return names
        fields = ("id", attribute)
        if full_listing and len(ids) > IN_FILTER_LIMIT:
            items = self.list(endpoint, fields=fields)
        else:
            items = self.list_in(endpoint, "id", ids, fields=fields)
        names.update((_ref_id(item.get("id")), item.get(attribute)) for item in items)
        return names

    def _wan_connections(self, router_ids):
        """{router id: [WanConnection]} from net_devices in WAN mode."""
        connections = {}
        for item in self.list_in("net_devices", "router", router_ids, fields=NET_DEVICE_FIELDS):
            if str(item.get("mode") or "").lower() != NET_DEVICE_WAN_MODE:
                continue
            # The doc's own example has "router": null; with one router asked, it is that one.
            router_id = _ref_id(item.get("router")) or (router_ids[0] if len(router_ids) == 1 else None)
            state = item.get("connection_state")
            connections.setdefault(router_id, []).append(WanConnection(
                id=_ref_id(item.get("id")), name=item.get("name"), type=item.get("type"),
                status=str(state).lower() if state not in (None, "") else None, ip=item.get("ipv4_address"),
                priority=_priority(item.get(NET_DEVICE_PRIORITY_FIELD)) if NET_DEVICE_PRIORITY_FIELD else None,
            ))
        return connections

    def _configured(self, routers, router_ids):
        """({router id: [Ssid]}, {router id: [WAN rule]}) from the routers' configuration managers (one
        read). SSIDs come from the diff as it is; WAN rules from the diff laid over the firmware's
        defaults, as wan_priority compares them (one default_configuration read per firmware)."""
        managers = self.router_configurations(router_ids, fields=("router", SSID_CONFIG_SOURCE))
        firmware = dict((_ref_id(router.get("id")), router.get("target_firmware") or router.get("actual_firmware"))
                        for router in routers)
        ssids, wan_rules = {}, {}
        for router_id, manager in managers.items():
            diff = manager.get(SSID_CONFIG_SOURCE) or [{}, []]
            ssids[router_id] = ssids_from_config(diff)
            effective = config_effective(self.default_configuration(firmware.get(router_id)), diff)
            wan_rules[router_id] = [dict(record, id=rule_id) for rule_id, record, names in wan_rules_from_config(effective)]
        return ssids, wan_rules

    # ---- actions ------------------------------------------------------------------------------

    def reboot_router(self, router_id):
        """Ask NCM to reboot a router (201). Never resent: a lost answer must not mean two reboots.
        An offline router's request is lost (L5236-5238)."""
        return self.request("POST", self.resource_url("reboot_activity"),
                            json={"router": self.resource_url("routers", router_id)}, idempotent=False)

    def reboot_group(self, group_id):
        """Ask NCM to reboot every router of a group (201). Never resent."""
        return self.request("POST", self.resource_url("reboot_activity"),
                            json={"group": self.resource_url("groups", group_id)}, idempotent=False)

    def reboot_device(self, device):
        """The reboot module's call: one POST reboot_activity/ for this router (L5229-5259)."""
        return self.reboot_router(device.id)

    def is_back(self, device, rebooted_at):
        """True once the router rebooted after `rebooted_at` (epoch) and is online again (see the
        INFERRED block: REBOOT_*)."""
        found = self.list("routers", {"id": device.id}, fields=REBOOT_ROUTER_FIELDS)
        if not found:
            raise NotFoundError("ncm: router %s is no longer visible" % device.id, platform=self.platform)
        router = found[0]
        if str(router.get("state") or "").lower() != "online":
            return False
        changed_at = _epoch(router.get("state_updated_at"))
        if changed_at is not None and changed_at > rebooted_at:
            return True
        for item in self.list("net_devices", {"router": device.id}, fields=REBOOT_NET_DEVICE_FIELDS):
            if str(item.get("mode") or "").lower() != NET_DEVICE_WAN_MODE:
                continue
            updated_at, uptime = _epoch(item.get("updated_at")), _number(item.get("uptime"))
            if updated_at is not None and uptime is not None and updated_at - uptime > rebooted_at:
                return True
        return False

    # ---- lookups for the modules ---------------------------------------------------------------

    def find_router(self, key, fields=None):
        """The raw routers record with this id, MAC, serial number or name."""
        return self._find_router(key, {}, fields)[0]

    def find_routers(self, keys, fields=None):
        """{key: raw router} for many keys (id, MAC, serial number or name) in a few `__in` listings.

        A key is matched in that order (id, MAC, serial, name); a key no router has raises InputError
        naming every such key, one that several routers share raises AmbiguousError.
        """
        keys = [str(key).strip() for key in keys]
        by_field = {"id": [], "mac": [], "serial_number": [], "name": []}
        fields = None if fields is None else sorted(set(fields) | {"id", "mac", "serial_number", "name"})
        result, missing = {}, []
        for key in [key for key in keys if "," in key]:  # the comma form of `__in` cannot carry it
            result[key] = self._find_router(key, {}, fields)[0]
        for key in keys:
            if key in result:
                continue
            if key.isdigit():
                by_field["id"].append(key)
            if _safe_mac(key):
                by_field["mac"].extend(router_mac_notations(key))
            by_field["serial_number"].append(key)
            by_field["name"].append(key)
        found = dict((field, self.list_in("routers", field, values, fields=fields) if values else [])
                     for field, values in by_field.items())
        for key in keys:
            if key in result:
                continue
            mac = _safe_mac(key)
            for field in ("id", "mac", "serial_number", "name"):
                if field == "mac":
                    matches = [item for item in found[field] if mac and _safe_mac(item.get("mac")) == mac]
                elif field == "id" and not key.isdigit():
                    continue
                else:
                    matches = [item for item in found[field] if str(item.get(field)) == key]
                if matches:
                    result[key] = self._one(matches, key, "device", lambda item: "%s (id %s, serial %s)" % (
                        item.get("name"), item.get("id"), item.get("serial_number")))
                    break
            else:
                missing.append(key)
        if missing:
            raise not_existing(InputError("ncm: no router has the id, MAC, serial number or name %s"
                                          % ", ".join(repr(key) for key in missing), platform=self.platform),
                               "device", ", ".join(missing))
        return result

    def default_configuration(self, firmware_id):
        """The factory configuration tree of a firmware (FIRMWARE_DEFAULTS_PATH); {} if there is none."""
        firmware_id = _ref_id(firmware_id)
        if firmware_id in (None, ""):
            return {}
        if firmware_id not in self._defaults:
            try:
                body = self.request("GET", self.resource_url("firmwares", firmware_id) + FIRMWARE_DEFAULTS_PATH + "/")
            except FIRMWARE_DEFAULTS_UNKNOWN as exc:
                body = {}
                self.notices.append("the factory defaults of firmware %s are unknown (firmwares/%s/%s/ answered HTTP %s): "
                                    "the configuration is compared without them, so a setting left at its default "
                                    "may show as unset" % (firmware_id, firmware_id, FIRMWARE_DEFAULTS_PATH, exc.status))
            self._defaults[firmware_id] = _default_tree(body)
        return self._defaults[firmware_id]

    def all_accounts(self):
        """Every account the keys see, listed once per client."""
        if self._accounts is None:
            self._accounts = self.accounts()
        return self._accounts
