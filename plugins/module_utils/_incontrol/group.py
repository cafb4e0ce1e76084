# -*- coding: utf-8 -*-
# Copyright: (c) 2026, wanfleet.routers contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""group on InControl 2: groups and their devices."""

from __future__ import annotations

from ansible_collections.wanfleet.routers.plugins.module_utils.contracts import group as contract
from ansible_collections.wanfleet.routers.plugins.module_utils.errors import (
    InputError,
    MalformedResponseError,
    NotFoundError,
    UnsupportedError,
)
from ansible_collections.wanfleet.routers.plugins.module_utils.resource import Resource
from ansible_collections.wanfleet.routers.plugins.module_utils._incontrol.common import (
    _COUNTRY,
    _as_api_id,
    _by_name,
    _id_key,
    _match_device,
    check_timezone,
)
from ansible_collections.wanfleet.routers.plugins.module_utils._incontrol.facts import (
    GROUP_ADD_DEVICES_KEY,
    GROUP_WRITE_FIELDS,
    PLATFORM,
)


# ---- group --------------------------------------------------------------------------------


class GroupResource(Resource):
    """An IC2 group: {id, name, timezone, country, devices (member ids, only when the task sets devices)}.

    Found by `id`, else by exact `name`; with `new_name`, a group already carrying the new name
    counts as renamed. `devices` are moved into the group with add_devices (inferred); IC2 has no
    documented way to take a device out of a group, so `purge_devices` fails before any write when
    it would remove a member.
    """

    unordered_keys = ("devices",)

    def __init__(self, client, params):
        super(GroupResource, self).__init__(client, params)
        self._org_devices = None
        self._created_id = None  # a group this run created: deleted again when adding its devices fails

    def validate(self):
        params, platform = self.params, PLATFORM
        contract.validate(platform, params)
        if not params.get("name") and not params.get("id"):
            raise InputError("%s: give the group's name or id" % platform, platform=platform)
        for option in ("name", "new_name"):
            if params.get(option) is not None and not str(params[option]).strip():
                raise InputError("%s: %s must not be empty" % (platform, option), platform=platform)
        if params.get("id") is not None and not str(params["id"]).isdigit():
            raise InputError("%s: id must be a group id (a number); got %r" % (platform, params["id"]), platform=platform)
        if params.get("state") == "absent" and params.get("new_name"):
            raise InputError("%s: new_name renames a group; it cannot be combined with state=absent" % platform, platform=platform)
        if params.get("timezone") is not None:
            check_timezone(params["timezone"])
        if params.get("country") is not None and not _COUNTRY.match(params["country"]):
            raise InputError("%s: country must be a two-letter country code such as DK; got %r" % (platform, params["country"]), platform=platform)
        devices = params.get("devices")
        if devices is not None and any(not str(item).strip() for item in devices):
            raise InputError("%s: devices must not contain empty names" % platform, platform=platform)
        if params.get("purge_devices") and devices is None:
            raise InputError("%s: purge_devices needs devices (the members to keep)" % platform, platform=platform)

    # -- reads --

    def read(self):
        params = self.params
        groups = self.client.groups()
        if params.get("id") is not None:
            found = next((group for group in groups if str(group.id) == str(params["id"])), None)
            target = params.get("new_name") or params.get("name")
        else:
            found = _by_name(groups, params["name"], "group", PLATFORM)
            if found is None and params.get("new_name"):
                found = _by_name(groups, params["new_name"], "group", PLATFORM)  # renamed already
            target = params.get("new_name")
        if found is None:
            return None
        if target and target != found.name:
            clash = _by_name([group for group in groups if group.id != found.id], target, "group", PLATFORM)
            if clash is not None:
                raise InputError(
                    "%s: cannot rename group %r to %r: a group of that name exists already (id %s)" % (PLATFORM, found.name, target, clash.id),
                    platform=PLATFORM,
                )
        return self._record(found.raw or {}, found.id)

    def _record(self, raw, group_id):
        record = {"id": str(group_id), "name": raw.get("name"), "timezone": raw.get("timezone"), "country": raw.get("country")}
        if self.params.get("devices") is not None:
            record["devices"] = sorted(device.id for device in self._devices() if device.group_id == str(group_id))
        return record

    def _devices(self):
        """The organization's devices (basic list, one request), for membership and name resolution."""
        if self._org_devices is None:
            self._org_devices = self.client.devices(detail=False)
        return self._org_devices

    def desired(self, current):
        params = self.params
        if current is None and params.get("id") is not None:
            raise NotFoundError(
                "%s: no group with id %s; known: %s"
                % (PLATFORM, params["id"], ", ".join("%s (id %s)" % (g.name, g.id) for g in self.client.groups()) or "none"),
                platform=PLATFORM,
            )
        if current is None and params.get("new_name") and params.get("name") and params["new_name"] != params["name"]:
            raise InputError(
                "%s: group %r not found, nor a group named %r: nothing to rename (to create a group, "
                "give only name)" % (PLATFORM, params["name"], params["new_name"]),
                platform=PLATFORM,
            )
        country = params.get("country")
        wanted = {
            "name": params.get("new_name") or params.get("name"),
            "timezone": params.get("timezone"),
            "country": country.upper() if country else None,
            "devices": None,
        }
        if params.get("devices") is not None:
            members = self._resolve(params["devices"])
            have = set((current or {}).get("devices") or [])
            removed = sorted(have - set(members))
            if params.get("purge_devices") and removed:
                by_id = dict((device.id, device) for device in self._devices())
                raise UnsupportedError(
                    "%s: purge_devices would remove %d device(s) from group %r (%s), but %s; move them with "
                    "this module's devices option on their new group. Nothing was changed."
                    % (
                        PLATFORM,
                        len(removed),
                        current.get("name"),
                        ", ".join("%s (id %s)" % (by_id[i].name if i in by_id else "?", i) for i in removed),
                        contract.CANNOT_REMOVE_MEMBERS[PLATFORM],
                    ),
                    platform=PLATFORM,
                )
            wanted["devices"] = sorted(have | set(members))
        return wanted

    def _resolve(self, keys):
        devices = self._devices()
        return sorted(set(_match_device(devices, key, PLATFORM).id for key in keys))

    # -- writes --

    def create(self, desired):
        body = dict((key, desired[key]) for key in GROUP_WRITE_FIELDS if desired.get(key) is not None)
        reply = self.client.call("group_create", body)
        self.client.forget_groups()
        if isinstance(reply, dict) and reply.get("id") is not None:
            raw = reply
        else:  # IC2 did not answer the new group: find it by its name
            found = _by_name(self.client.groups(), desired["name"], "group", PLATFORM)
            if found is None:
                raise MalformedResponseError("%s: group %r was not listed after it was created" % (PLATFORM, desired["name"]), platform=PLATFORM)
            raw = found.raw or {}
        self._created_id = str(raw["id"])
        raw = self._keep_oldest(desired["name"], raw)
        created = {
            "id": str(raw["id"]),
            "name": raw.get("name", desired["name"]),
            "timezone": raw.get("timezone", desired.get("timezone")),
            "country": raw.get("country", desired.get("country")),
        }
        if desired.get("devices") is not None:
            if desired["devices"]:
                self._add_devices(created["id"], desired["devices"])
            created["devices"] = list(desired["devices"])
        return created

    def _keep_oldest(self, name, raw):
        """The group to go on with: another run creating the same group at the same time also succeeds, so every
        run keeps the oldest group of the name (the lowest id; inferred: IC2 numbers groups as it creates them)
        and deletes the one it made when that is not it. A group this run did not make is never deleted."""
        self.client.forget_groups()
        same = sorted((group for group in self.client.groups() if group.name == name), key=lambda group: _id_key(group.id))
        if not same or str(same[0].id) == self._created_id:
            return raw
        self.delete({"id": self._created_id})
        self._created_id = None  # the kept group is the other run's: a rollback must not delete it
        return same[0].raw or {"id": same[0].id, "name": name}

    def update(self, current, desired, changes):
        body = dict((key, changes[key]) for key in GROUP_WRITE_FIELDS if key in changes)
        after = dict(current)
        if body:
            reply = self.client.call("group_update", body, group=_as_api_id(current["id"]))
            self.client.forget_groups()
            after.update(body)
            if isinstance(reply, dict):
                after.update((key, reply[key]) for key in GROUP_WRITE_FIELDS if key in reply)
        if "devices" in changes:
            self._add_devices(current["id"], sorted(set(changes["devices"]) - set(current.get("devices") or [])))
            after["devices"] = sorted(changes["devices"])
        return after

    def _add_devices(self, group_id, device_ids):
        if device_ids:
            self.client.call("group_add_devices", {GROUP_ADD_DEVICES_KEY: [_as_api_id(item) for item in device_ids]}, group=_as_api_id(group_id))

    def delete(self, current):
        self.client.call("group_delete", None, group=_as_api_id(current["id"]))
        self.client.forget_groups()

    def rollback(self):
        if self._created_id is None:
            return None
        self.delete({"id": self._created_id})
        return "; the group created by this task (id %s) was deleted again, so nothing changed" % self._created_id

    rollback_failed = "the new group may exist without its devices; delete it or run the task again"
