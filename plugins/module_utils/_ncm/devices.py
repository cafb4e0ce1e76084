# -*- coding: utf-8 -*-
# Copyright: (c) 2026, wanfleet.routers contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""NCM routers as Device records, groups, firmware, reference data and reboots (a mixin of NcmClient)."""

from __future__ import annotations

from ansible_collections.wanfleet.routers.plugins.module_utils.errors import AmbiguousError, InputError, NotFoundError
from ansible_collections.wanfleet.routers.plugins.module_utils.paging import chunked
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
    SIDE_LISTING_CONCURRENCY,
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
        routers (SIDE_LISTING_CONCURRENCY at a time), never a request per router; none when devices()
        read them along with the routers (include)."""
        found = self._included_or_read("cellular", devices)
        return dict((router_id, modems) for router_id, modems in found.items() if modems)

    def locations(self, devices):
        """{router id: location or None} from `locations` listings (`router__in`), or from devices(include=...)."""
        return self._included_or_read("location", devices)

    def _included_or_read(self, kind, devices):
        """What devices(include=[kind]) read for these devices, or else read now, 100 routers a request."""
        router_ids = [device.id for device in devices]
        known = self._included.get(kind, {})
        if all(router_id in known for router_id in router_ids):
            return dict((router_id, known[router_id]) for router_id in router_ids)
        with _SideListings() as side:
            for chunk in chunked(router_ids, IN_FILTER_LIMIT):
                side.start(kind, INCLUDE_READERS[kind], self, chunk)
            return side.merged(kind)

    def _cellular_of(self, router_ids):
        """cellular() of up to 100 routers, with an entry ({} when none) for each of them."""
        modems = [
            item
            for item in self.list_in("net_devices", "router", router_ids, fields=CELLULAR_NET_DEVICE_FIELDS)
            if str(item.get("mode") or "").lower() == NET_DEVICE_WAN_MODE and item.get("type") in MODEM_TYPES
        ]
        newest = {}
        if modems:
            for sample in self.list_in("net_device_signal_samples", "net_device", [item["id"] for item in modems], fields=SIGNAL_SAMPLE_FIELDS):
                key = _ref_id(sample.get("net_device"))
                if key not in newest or str(sample.get("created_at")) > str(newest[key].get("created_at")):
                    newest[key] = sample
        found = dict((router_id, {}) for router_id in router_ids)
        for item in modems:
            modem_id = _ref_id(item.get("id"))
            sample = newest.get(modem_id, {})
            roam = item.get("roam")
            found.setdefault(_ref_id(item.get("router")), {})[modem_id] = cellular_record(
                carrier=item.get("carrier"),
                technology=item.get("service_type"),
                band=item.get("rfband"),
                rsrp=sample.get("rsrp"),
                rsrq=sample.get("rsrq"),
                sinr=sample.get("sinr"),
                rssi=sample.get("rssi"),
                imei=item.get("imei"),
                iccid=item.get("iccid"),
                imsi=item.get("imsi"),
                apn=item.get("apn"),
                roaming=None if roam in (None, "") else str(roam) != ROAM_HOME,
            )
        return found

    def _locations_of(self, router_ids):
        """locations() of up to 100 routers (one `locations` listing)."""
        found = dict((router_id, None) for router_id in router_ids)
        for item in self.list_in("locations", "router", router_ids, fields=LOCATION_FIELDS):
            found[_ref_id(item.get("router"))] = location_record(
                item.get("latitude"), item.get("longitude"), accuracy_m=item.get("accuracy"), method=item.get("method"), updated_at=item.get("updated_at")
            )
        return found

    # ---- firmware ----------------------------------------------------------------------------

    def group_firmware(self, key):
        """{group: Group, product_id, target: {id, version} or None} of a group (id or name).

        A router runs its group's `target_firmware` (NCM API v2 docs: groups and routers endpoints)."""
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
        not a firmwares filter: firmwares endpoint)."""
        matches = [item for item in self.firmwares(version=version) if item["product_id"] == product_id]
        if len(matches) == 1:
            return {"id": matches[0]["id"], "version": matches[0]["version"]}
        names = dict((item["id"], item["name"]) for item in self.products())
        versions = sorted(set(item["version"] for item in self.firmwares(product=product_id)))
        raise InputError(
            "ncm: firmware %r is not available for product %s; its versions: %s" % (version, names.get(product_id, product_id), _listing(versions, limit=40)),
            platform=self.platform,
        )

    def set_group_firmware(self, group_id, firmware_id):
        """PATCH the group's target_firmware (a full URL); its routers then upgrade (NCM API v2 docs, groups endpoint)."""
        self.patch("groups", group_id, {"target_firmware": self.resource_url("firmwares", firmware_id)})

    def actual_firmwares(self, router_ids):
        """{router id: firmware id the router reports (actual_firmware, routers endpoint) or None}."""
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
            self._products = [
                dict(id=_ref_id(item.get("id")), name=item.get("name"), device_type=item.get("device_type"), series=item.get("series"))
                for item in self.list("products", fields=("id", "name", "device_type", "series"))
            ]
        return self._products

    def find_product(self, key):
        """A product by id, URL or name (e.g. "IBR600")."""
        key = _filter_value(key)
        matches = [item for item in self.products() if key in (item["id"], item["name"])]
        return self._one(matches, key, "product", lambda item: "%s (id %s)" % (item["name"], item["id"]))

    def firmwares(self, product=None, version=None):
        """[{id, version, product_id, is_deprecated}]; `product` (id, URL or name) is matched on the
        client because firmwares cannot be filtered by product (NCM API v2 docs, firmwares endpoint)."""
        product_id = self.find_product(product)["id"] if product not in (None, "") else None
        params = {"version": version} if version not in (None, "") else None
        records = [
            dict(id=_ref_id(item.get("id")), version=item.get("version"), product_id=_ref_id(item.get("product")), is_deprecated=item.get("is_deprecated"))
            for item in self.list("firmwares", params, fields=("id", "version", "product", "is_deprecated"))
        ]
        return [record for record in records if product_id is None or record["product_id"] == product_id]

    def accounts(self, params=None):
        """[{id, name, parent_id, is_disabled}]."""
        return [
            dict(id=_ref_id(item.get("id")), name=item.get("name"), parent_id=_ref_id(item.get("account")), is_disabled=item.get("is_disabled"))
            for item in self.list("accounts", params, fields=("id", "name", "account", "is_disabled"))
        ]

    def find_account(self, key):
        key = _filter_value(key)
        field = "id" if key.isdigit() else "name"
        return self._one(self.accounts({field: key}), key, "account", lambda item: "%s (id %s)" % (item["name"], item["id"]))

    def users(self, emails=None):
        """[{id, email, username, first_name, last_name, account_id}]; `emails` filters with email__in."""
        fields = ("id", "email", "username", "first_name", "last_name", "account")
        items = self.list_in("users", "email", emails, fields=fields) if emails is not None else self.list("users", fields=fields)
        return [
            dict(
                id=_ref_id(item.get("id")),
                email=item.get("email"),
                username=item.get("username"),
                first_name=item.get("first_name"),
                last_name=item.get("last_name"),
                account_id=_ref_id(item.get("account")),
            )
            for item in items
        ]

    def _one(self, matches, key, kind, describe):
        if not matches:
            error = NotFoundError("ncm: no %s matches %r" % (kind, key), platform=self.platform)
            # a group or device an earlier task of a --check play may create; not a product or firmware
            raise not_existing(error, kind, key) if kind in ("group", "device") else error
        if len(matches) > 1:
            raise AmbiguousError(
                "ncm: %s %r is ambiguous; candidates: %s; give the id" % (kind, key, ", ".join(describe(item) for item in matches)), platform=self.platform
            )
        return matches[0]

    def _group(self, item):
        return Group(platform=self.platform, id=_ref_id(item.get("id")), name=item.get("name") or "", raw=item)

    # ---- devices ----------------------------------------------------------------------------

    def devices(self, device=None, group=None, filters=None, detail=True, include=()):
        """Devices as Device records: one (`device`: id, serial, name or MAC), a group's, or all.

        `filters` are routers filters (routers endpoint field table; lists become `__in`), plus `product`/`model`
        (matched on the client). Group names, models and firmware versions come from `id__in`
        listings (products: one listing), never a request per device. With detail, WAN connections
        (net_devices) and SSIDs (configuration_managers) come in `router__in` chunks of 100; without
        it, the routers listing asks only for the fields the record needs. These side listings start
        with each page of routers, while the next pages are fetched (_DeviceLookups); any failure
        fails the whole listing. `include` (cellular, location): read those too, page by page, for
        cellular() and locations() to answer without a request.
        """
        patterns = dict((key, value) for key, value in (filters or {}).items() if key in PATTERN_FILTERS and has_pattern(value))
        params, product_ids = self._router_filters(dict((key, value) for key, value in (filters or {}).items() if key not in patterns))
        known_groups = {}
        if group not in (None, ""):
            found = self.find_group(group)
            params["group"], known_groups[found.id] = found.id, found.name
        fields = None if detail else ROUTER_SUMMARY_FIELDS
        with _DeviceLookups(self, detail, known_groups, product_ids, include) as lookups:
            if device not in (None, ""):
                routers = self._find_router(device, params, fields)
                lookups.page(routers)
            else:
                routers = self._routers(params, fields, on_page=lookups.page)
            if product_ids is not None:
                routers = [router for router in routers if _ref_id(router.get("product")) in product_ids]
            found = lookups.results()
        self._included = dict((kind, found[kind]) for kind in include if kind in INCLUDE_READERS)
        records = self._device_records(routers, detail, found)
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
                raise InputError(
                    "ncm: %r is not a device filter; use one of: %s"
                    % (key, ", ".join(sorted(set(ROUTER_FILTERS) | set(ROUTER_FILTER_ALIASES) | set(CLIENT_SIDE_FILTERS)))),
                    platform=self.platform,
                )
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

    def _routers(self, params, fields, on_page=None):
        """routers/ with the filters; an `__in` filter of more than 100 values is split."""
        long_filters = [key for key, value in params.items() if key.endswith("__in") and isinstance(value, list) and len(value) > IN_FILTER_LIMIT]
        if len(long_filters) > 1:
            raise InputError("ncm: only one filter may list more than %d values" % IN_FILTER_LIMIT, platform=self.platform)
        if long_filters:
            rest = dict(params)
            values = rest.pop(long_filters[0])
            return self.list_in("routers", long_filters[0], values, params=rest, fields=fields, on_page=on_page)
        return self.list("routers", params, fields=fields, concurrency=ROUTER_PAGE_CONCURRENCY, on_page=on_page)

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
                self._one(found, key, "device", lambda item: "%s (id %s, serial %s)" % (item.get("name"), item.get("id"), item.get("serial_number")))
                return found
        raise not_existing(
            NotFoundError(
                "ncm: no device has the id, MAC, serial number or name %r%s" % (key, " in group %s" % params["group"] if params.get("group") else ""),
                platform=self.platform,
            ),
            "device",
            key,
        )

    def _device_records(self, routers, detail, found):
        """Device records of raw routers, with the names and detail that _DeviceLookups.results() found."""
        devices = []
        for router in routers:
            router_id, group_id = _ref_id(router.get("id")), _ref_id(router.get("group"))
            product = found["products"].get(_ref_id(router.get("product")))
            full_name = router.get("full_product_name")
            devices.append(
                Device(
                    platform=self.platform,
                    id=router_id,
                    name=router.get("name"),
                    serial=router.get("serial_number"),
                    mac=_safe_mac(router.get("mac")),
                    model=product or (full_name if full_name not in (None, "", "unknown") else None),
                    firmware=found["firmwares"].get(_ref_id(router.get("actual_firmware"))),
                    status=router.get("state"),
                    group=found["groups"].get(group_id),
                    group_id=group_id,
                    wan=found["wan"].get(router_id, []),
                    ssids=found["ssids"].get(router_id, []),
                    wan_rules=found["wan_rules"].get(router_id, []) if detail else None,
                    raw=router,
                )
            )
        return devices

    def _wan_connections(self, router_ids):
        """{router id: [WanConnection]} from net_devices in WAN mode."""
        connections = {}
        for item in self.list_in("net_devices", "router", router_ids, fields=NET_DEVICE_FIELDS):
            if str(item.get("mode") or "").lower() != NET_DEVICE_WAN_MODE:
                continue
            # The doc's own example has "router": null; with one router asked, it is that one.
            router_id = _ref_id(item.get("router")) or (router_ids[0] if len(router_ids) == 1 else None)
            state = item.get("connection_state")
            connections.setdefault(router_id, []).append(
                WanConnection(
                    id=_ref_id(item.get("id")),
                    name=item.get("name"),
                    type=item.get("type"),
                    status=str(state).lower() if state not in (None, "") else None,
                    ip=item.get("ipv4_address"),
                    priority=_priority(item.get(NET_DEVICE_PRIORITY_FIELD)) if NET_DEVICE_PRIORITY_FIELD else None,
                )
            )
        return connections

    def _configured(self, routers, router_ids):
        """({router id: [Ssid]}, {router id: [WAN rule]}) from the routers' configuration managers (one
        read). SSIDs come from the diff as it is; WAN rules from the diff laid over the firmware's
        defaults, as wan_priority compares them (one default_configuration read per firmware)."""
        managers = self.router_configurations(router_ids, fields=("router", SSID_CONFIG_SOURCE))
        firmware = dict((_ref_id(router.get("id")), router.get("target_firmware") or router.get("actual_firmware")) for router in routers)
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
        An offline router's request is lost (NCM API v2 docs, reboot_activity endpoint)."""
        return self.request("POST", self.resource_url("reboot_activity"), json={"router": self.resource_url("routers", router_id)}, idempotent=False)

    def reboot_device(self, device):
        """The reboot module's call: one POST reboot_activity/ for this router (reboot_activity endpoint)."""
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
        found = dict((field, self.list_in("routers", field, values, fields=fields) if values else []) for field, values in by_field.items())
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
                    result[key] = self._one(
                        matches, key, "device", lambda item: "%s (id %s, serial %s)" % (item.get("name"), item.get("id"), item.get("serial_number"))
                    )
                    break
            else:
                missing.append(key)
        if missing:
            raise not_existing(
                InputError("ncm: no router has the id, MAC, serial number or name %s" % ", ".join(repr(key) for key in missing), platform=self.platform),
                "device",
                ", ".join(missing),
            )
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
                self.notices.append(
                    "the factory defaults of firmware %s are unknown (firmwares/%s/%s/ answered HTTP %s): "
                    "the configuration is compared without them, so a setting left at its default "
                    "may show as unset" % (firmware_id, firmware_id, FIRMWARE_DEFAULTS_PATH, exc.status)
                )
            self._defaults[firmware_id] = _default_tree(body)
        return self._defaults[firmware_id]

    def all_accounts(self):
        """Every account the keys see, listed once per client."""
        if self._accounts is None:
            self._accounts = self.accounts()
        return self._accounts


# (endpoint, the router field that references it, the attribute a record shows): names looked up by id.
_NAME_LOOKUPS = (("groups", "group", "name"), ("firmwares", "actual_firmware", "version"))
_NAME_ATTRIBUTES = dict((endpoint, attribute) for endpoint, dummy, attribute in _NAME_LOOKUPS)
# include -> the NcmClient method that reads it for up to 100 routers ({router id: value}).
INCLUDE_READERS = {"cellular": NcmDevices._cellular_of, "location": NcmDevices._locations_of}  # pylint: disable=protected-access


class _SideListings(object):
    """Listings run in threads, SIDE_LISTING_CONCURRENCY at a time, while the caller goes on. The first
    that failed raises (from check() or merged()); leaving the `with` drops those not started and waits
    for those running, so no request outlives it."""

    def __init__(self):
        from concurrent.futures import ThreadPoolExecutor  # here: most tasks list no devices (bench_task_cost.py)

        self.pool = ThreadPoolExecutor(max_workers=SIDE_LISTING_CONCURRENCY)
        self.jobs = []  # (what, future), in the order started

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.pool.shutdown(wait=True, cancel_futures=True)
        return False

    def start(self, what, function, *args, **kwargs):
        self.jobs.append((what, self.pool.submit(function, *args, **kwargs)))

    def check(self):
        """Raise the error of a listing that already failed."""
        for dummy, future in self.jobs:
            if future.done() and not future.cancelled() and future.exception() is not None:
                raise future.exception()

    def values(self, what):
        """The results of the `what` listings, in the order started, once they are done."""
        return [future.result() for kind, future in self.jobs if kind == what]

    def merged(self, what):
        """The `what` listings' results ({key: value} each) as one dict."""
        found = {}
        for value in self.values(what):
            found.update(value)
        return found


class _DeviceLookups(_SideListings):
    """The side listings of one device listing, started for each page of routers as it is accepted
    (NcmClient.list's on_page), so they overlap the router pages still coming: the names of groups and
    firmwares not asked for yet (`id__in`, 100 ids a request), the products (one listing), with detail
    the page's WAN connections and configurations, and what `include` asks (cellular, location), each
    `router__in`, 100 routers a request. results() waits for all of them; the first that failed
    raises, and a failure seen while the routers page stops the listing: never a partial record set.
    """

    def __init__(self, client, detail, known_groups, product_ids, include=()):
        super().__init__()
        self.client, self.detail, self.product_ids = client, detail, product_ids
        self.include = [kind for kind in include if kind in INCLUDE_READERS]
        self.known_groups = dict(known_groups)
        self.asked = {"groups": set(known_groups), "firmwares": set()}

    def page(self, routers):
        """Start the side listings a page of routers needs (on_page)."""
        self.check()
        if self.product_ids is not None:
            routers = [router for router in routers if _ref_id(router.get("product")) in self.product_ids]
        if not routers:
            return
        if not any(what == "products" for what, dummy in self.jobs):
            self.start("products", self.client.products)
        for endpoint, reference, attribute in _NAME_LOOKUPS:
            ids = sorted(set(_ref_id(router.get(reference)) for router in routers) - {None} - self.asked[endpoint])
            self.asked[endpoint].update(ids)
            for chunk in chunked(ids, IN_FILTER_LIMIT):
                self.start(endpoint, self.client.list, endpoint, {"id__in": chunk}, fields=("id", attribute))
        for chunk in chunked(routers, IN_FILTER_LIMIT):
            router_ids = [_ref_id(router.get("id")) for router in chunk]
            if self.detail:
                self.start("wan", self.client._wan_connections, router_ids)  # pylint: disable=protected-access
                self.start("configured", self.client._configured, chunk, router_ids)  # pylint: disable=protected-access
            for kind in self.include:
                self.start(kind, INCLUDE_READERS[kind], self.client, router_ids)

    def results(self):
        """{"groups": {id: name}, "firmwares": {id: version}, "products": {id: name}, "wan": {router id: [...]},
        "ssids": {...}, "wan_rules": {...}, and each include: {router id: ...}}, once every side listing is done."""
        found = dict((what, self.merged(what)) for what in ("wan",) + tuple(self.include))
        found["products"] = dict((item["id"], item["name"]) for products in self.values("products") for item in products)
        configured = self.values("configured")
        found["ssids"] = dict((key, value) for ssids, dummy in configured for key, value in ssids.items())
        found["wan_rules"] = dict((key, value) for dummy, rules in configured for key, value in rules.items())
        for endpoint, attribute in _NAME_ATTRIBUTES.items():
            found[endpoint] = dict(self.known_groups) if endpoint == "groups" else {}
            found[endpoint].update((_ref_id(item.get("id")), item.get(attribute)) for items in self.values(endpoint) for item in items)
        return found
