# -*- coding: utf-8 -*-
# Copyright: (c) 2026, wanfleet.routers contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""group on NCM: groups/ and their member routers."""

from __future__ import annotations

from ansible_collections.wanfleet.routers.plugins.module_utils.contracts import group as contract
from ansible_collections.wanfleet.routers.plugins.module_utils.errors import (
    AmbiguousError,
    MalformedResponseError,
    TransportError,
)
from ansible_collections.wanfleet.routers.plugins.module_utils.resource import Resource, merged
from ansible_collections.wanfleet.routers.plugins.module_utils._ncm.common import (
    _filter_value,
    _id_order,
    _input,
    _listing,
    _ref_id,
)
from ansible_collections.wanfleet.routers.plugins.module_utils._ncm.facts import GROUP_FIELDS, ROUTER_GROUP_FIELD


class GroupResource(Resource):
    """An NCM group (groups/): name, product, target firmware, account, and its member routers."""

    MODULE = "group"
    unordered_keys = ("devices",)
    ROUTER_FIELDS = ("id", "name", "serial_number", "mac", "product", "group")

    def __init__(self, client, params):
        super(GroupResource, self).__init__(client, params)
        self.raw = None
        self._firmware_versions = {}
        self._ids = {}
        # For rollback(): each router's group before this run, the routers a PUT was sent for, and the
        # group this run created.
        self._group_of = {}
        self._moved = []
        self._created_id = None
        self._restore = None  # (group id, its fields before this run's PUT)

    def validate(self):
        params, module = self.params, self.MODULE
        contract.validate("ncm", params)
        if params.get("id") not in (None, "") and not str(params["id"]).strip().isdigit():
            raise _input(module, "id must be the group's numeric id; got %r" % (params["id"],))
        for option in ("name", "new_name", "product", "target_firmware", "account"):
            if params.get(option) is not None and not str(params[option]).strip():
                raise _input(module, "%s must not be empty" % option)
        devices = params.get("devices")
        if devices is not None and any(str(device or "").strip() == "" for device in devices):
            raise _input(module, "devices must not contain empty entries")
        if params.get("purge_devices") and devices is None:
            raise _input(module, "purge_devices needs devices: the members to keep (an empty list removes every member)")

    # ---- reading -----------------------------------------------------------------------------

    def _by_name(self, name):
        found = self.client.list("groups", {"name": name}, fields=GROUP_FIELDS)
        if len(found) > 1:
            raise _input(
                self.MODULE, "several groups are named %r: %s; give id" % (name, ", ".join("id %s" % _ref_id(item.get("id")) for item in found)), AmbiguousError
            )
        return found[0] if found else None

    def read(self):
        params, client = self.params, self.client
        if params.get("id") not in (None, ""):
            found = client.list("groups", {"id": str(params["id"]).strip()}, fields=GROUP_FIELDS)
            group = found[0] if found else None
        else:
            group = self._by_name(params["name"])
            new_name = params.get("new_name")
            if group is None and new_name:
                group = self._by_name(new_name)  # renamed by an earlier run
            elif group is not None and new_name and new_name != params["name"] and params.get("state") != "absent":
                other = self._by_name(new_name)
                if other is not None:
                    raise _input(
                        self.MODULE, "cannot rename group %r to %r: group id %s already has that name" % (params["name"], new_name, _ref_id(other.get("id")))
                    )
        if group is None:
            return None
        self.raw = group
        group_id = _ref_id(group.get("id"))
        members = client.list("routers", {"group": group_id}, fields=("id",))
        return {
            "id": group_id,
            "name": group.get("name"),
            "product": self._product_name(group.get("product")),
            "target_firmware": self._firmware_version(group.get("target_firmware")),
            "account": self._account_name(group.get("account")),
            "devices": sorted((_ref_id(item.get("id")) for item in members), key=_id_order),
        }

    def _product_name(self, reference):
        product_id = _ref_id(reference)
        names = dict((item["id"], item["name"]) for item in self.client.products())
        return names.get(product_id, product_id)

    def _firmware_version(self, reference):
        firmware_id = _ref_id(reference)
        if firmware_id is None:
            return None
        if firmware_id not in self._firmware_versions:
            found = self.client.list("firmwares", {"id": firmware_id}, fields=("id", "version", "product"))
            self._firmware_versions[firmware_id] = found[0].get("version") if found else firmware_id
        return self._firmware_versions[firmware_id]

    def _account_name(self, reference):
        account_id = _ref_id(reference)
        names = dict((item["id"], item["name"]) for item in self.client.all_accounts())
        return names.get(account_id, account_id)

    # ---- the user's options, resolved --------------------------------------------------------

    def _resolve_product(self, key):
        key = _filter_value(key).strip()
        products = self.client.products()
        matches = [item for item in products if key in (item["id"], item["name"])]
        if not matches:
            matches = [item for item in products if str(item["name"]).casefold() == key.casefold()]
        if len(matches) != 1:
            raise _input(self.MODULE, "unknown product %r; NCM products: %s" % (key, _listing(sorted(set(str(item["name"]) for item in products)), limit=60)))
        return matches[0]

    def _resolve_firmware(self, key, product):
        key = _filter_value(key).strip()
        current_id = _ref_id((self.raw or {}).get("target_firmware"))
        if current_id is not None and key in (current_id, self._firmware_versions.get(current_id)):
            return {"id": current_id, "version": self._firmware_version(current_id)}
        params = {"id": key} if key.isdigit() else {"version": key}
        found = [item for item in self.client.list("firmwares", params, fields=("id", "version", "product")) if _ref_id(item.get("product")) == product["id"]]
        if len(found) == 1:
            return {"id": _ref_id(found[0].get("id")), "version": found[0].get("version")}
        versions = sorted(set(item["version"] for item in self.client.firmwares(product=product["id"])))
        raise _input(self.MODULE, "unknown target_firmware %r for product %s; its firmware versions: %s" % (key, product["name"], _listing(versions, limit=40)))

    def _resolve_account(self, key):
        key = _filter_value(key).strip()
        accounts = self.client.all_accounts()
        matches = [item for item in accounts if key in (item["id"], item["name"])]
        if len(matches) > 1:
            raise _input(self.MODULE, "several accounts are named %r: %s; give the id" % (key, ", ".join(item["id"] for item in matches)), AmbiguousError)
        if not matches:
            raise _input(self.MODULE, "unknown account %r; accounts: %s" % (key, _listing("%s (id %s)" % (item["name"], item["id"]) for item in accounts)))
        return matches[0]

    def desired(self, current):
        params, module = self.params, self.MODULE
        if current is None and params.get("id") not in (None, ""):
            raise _input(module, "no group has the id %s; to create a group give its name (NCM assigns the id)" % params["id"])
        desired = {"name": params.get("new_name") or params.get("name"), "product": None, "target_firmware": None, "account": None, "devices": None}
        if params.get("product") not in (None, ""):
            product = self._resolve_product(params["product"])
            if current is not None and product["name"] != current["product"]:
                raise _input(module, "the product of group %r is %s and cannot be changed (asked: %s)" % (current["name"], current["product"], product["name"]))
            desired["product"] = product["name"]
        elif current is None:
            raise _input(module, "product is required to create group %r (the model of its routers, for example IBR900)" % desired["name"])
        else:
            product = {"id": _ref_id(self.raw.get("product")), "name": current["product"]}
        if params.get("target_firmware") not in (None, ""):
            firmware = self._resolve_firmware(params["target_firmware"], product)
            desired["target_firmware"] = firmware["version"]
            self._ids["target_firmware"] = firmware["id"]
        elif current is None:
            raise _input(module, "target_firmware is required to create group %r: the NCOS version its routers run (for example 7.24.10)" % desired["name"])
        if params.get("account") not in (None, ""):
            # Without it NCM creates the group in the requestor's account (NCM API v2, "Create a
            # Resource": "By default, the resource is added to the requestor's account").
            account = self._resolve_account(params["account"])
            desired["account"] = account["name"]
            self._ids["account"] = account["id"]
        if params.get("devices") is not None:
            routers = self.client.find_routers(params["devices"], fields=self.ROUTER_FIELDS) if params["devices"] else {}
            names = dict((item["id"], item["name"]) for item in self.client.products())
            wrong = [
                "%s (id %s) is %s" % (router.get("name"), _ref_id(router.get("id")), names.get(_ref_id(router.get("product")), _ref_id(router.get("product"))))
                for router in routers.values()
                if _ref_id(router.get("product")) != product["id"]
            ]
            if wrong:
                raise _input(
                    module,
                    "only %s routers can join group %r (every router of an NCM group is the same "
                    "product): %s" % (product["name"], desired["name"], "; ".join(wrong)),
                )
            wanted = set(_ref_id(router.get("id")) for router in routers.values())
            self._group_of = dict((member, current["id"]) for member in (current or {}).get("devices") or [])
            self._group_of.update((_ref_id(router.get("id")), _ref_id(router.get("group"))) for router in routers.values())
            if not params.get("purge_devices") and current is not None:
                wanted |= set(current["devices"])
            desired["devices"] = sorted(wanted, key=_id_order)
        return desired

    # ---- writing -----------------------------------------------------------------------------

    def _move(self, router_ids, group_id):
        """PUT routers/<id>/ {"group": <group URL> or null} per router (ROUTER_GROUP_FIELD)."""
        reference = self.client.resource_url("groups", group_id) if group_id is not None else None
        for router_id in router_ids:
            try:
                self.client.update("routers", router_id, {ROUTER_GROUP_FIELD: reference})
            except TransportError as error:
                if error.sent:  # the answer was lost, the move may have been made
                    self._moved.append(router_id)
                raise
            self._moved.append(router_id)

    def create(self, desired):
        client = self.client
        product = self._resolve_product(desired["product"])
        body = {
            "name": desired["name"],
            "product": client.resource_url("products", product["id"]),
            "target_firmware": client.resource_url("firmwares", self._ids["target_firmware"]),
        }
        if "account" in self._ids:
            body["account"] = client.resource_url("accounts", self._ids["account"])
        created = client.create("groups", body)
        group_id = _ref_id((created or {}).get("id"))
        if group_id is None:
            raise MalformedResponseError("ncm: POST groups/ answered without the new group's id", platform=client.platform)
        self._created_id = group_id
        group_id = self._keep_oldest(desired["name"], group_id, _ref_id(created.get("account")))
        devices = desired.get("devices") or []
        self._move(devices, group_id)
        return dict(desired, id=group_id, devices=list(devices), account=desired["account"] or self._account_name(created.get("account")))

    def _keep_oldest(self, name, created_id, account_id):
        """The id of the group to go on with: another run creating the same group at the same time also succeeds,
        so every run keeps the oldest group of the name in the new group's account (the lowest id; inferred: NCM
        numbers objects as it creates them) and deletes the one it made when that is not it, before moving any
        router. A group of the same name in another (sub)account is another group, never a duplicate."""
        ids = sorted(
            (
                _ref_id(item.get("id"))
                for item in self.client.list("groups", {"name": name}, fields=("id", "account"))
                if account_id is None or _ref_id(item.get("account")) == account_id
            ),
            key=_id_order,
        )
        if not ids or ids[0] == created_id:
            return created_id
        self.delete({"id": created_id})
        self._created_id = None  # the kept group is the other run's: a rollback must not delete it
        return ids[0]

    def update(self, current, desired, changes):
        client = self.client
        body = {}
        if "name" in changes:
            body["name"] = changes["name"]
        if "target_firmware" in changes:
            body["target_firmware"] = client.resource_url("firmwares", self._ids["target_firmware"])
        if "account" in changes:
            body["account"] = client.resource_url("accounts", self._ids["account"])
        if body:
            self._restore = (current["id"], dict((key, (self.raw or {}).get(key)) for key in body))
            client.update("groups", current["id"], body, fields=GROUP_FIELDS)
        if "devices" in changes:
            wanted, have = set(changes["devices"]), set(current["devices"])
            self._move(sorted(wanted - have, key=_id_order), current["id"])
            self._move(sorted(have - wanted, key=_id_order), None)
        return merged(current, changes)

    def delete(self, current):
        self.client.delete("groups", current["id"])

    def rollback(self):
        """Move the routers back to the groups they were in, then delete the group this run created."""
        notes = []
        moved, self._moved = list(dict.fromkeys(self._moved)), []
        for router_id in reversed(moved):
            previous = self._group_of.get(router_id)
            reference = self.client.resource_url("groups", previous) if previous is not None else None
            self.client.update("routers", router_id, {ROUTER_GROUP_FIELD: reference})
        if moved:
            notes.append("router(s) %s were moved back to their previous groups" % ", ".join(moved))
        if self._created_id is not None:
            self.delete({"id": self._created_id})
            notes.append("the group created by this task (id %s) was deleted again" % self._created_id)
        if self._restore is not None:
            group_id, fields = self._restore
            self.client.update("groups", group_id, fields, fields=GROUP_FIELDS)
            notes.append("the group's %s were set back" % ", ".join(sorted(fields)))
        return "; " + " and ".join(notes) + ", so nothing changed" if notes else None

    rollback_failed = "routers may be in the wrong group, or the new group may exist; check the group in NCM and run the task again"
