# -*- coding: utf-8 -*-
# Copyright: (c) 2026, wanfleet.routers contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""alert_rule on NCM: alert_rules/ and their push destinations."""

from __future__ import annotations

from ansible_collections.wanfleet.routers.plugins.module_utils.errors import (
    AmbiguousError,
    MalformedResponseError,
    UnsupportedError,
)
from ansible_collections.wanfleet.routers.plugins.module_utils.resource import Resource, merged, not_existing
from ansible_collections.wanfleet.routers.plugins.module_utils._ncm.common import (
    PDP_ALERT_TYPES,
    _ALERT_TYPE,
    _EMAIL,
    _filter_value,
    _input,
    _listing,
    _ref_id,
)
from ansible_collections.wanfleet.routers.plugins.module_utils._ncm.config_tree import _UUID


class AlertRuleResource(Resource):
    """An NCM alert rule (alert_rules/, keyed by alert_config_id). Rules have no name: without `id`
    the rule is the one whose alert types and groups are exactly the ones given (no groups = [])."""

    MODULE = "alert_rule"
    unordered_keys = ("alert_types", "groups", "accounts", "email_recipients", "http_destinations")

    def __init__(self, client, params):
        super(AlertRuleResource, self).__init__(client, params)
        self.raw = None
        self._groups = {}  # id -> name
        self._users = {}  # id -> email
        self._destinations = None
        self._ids = {}  # option -> [ids] of the user's values

    def validate(self):
        params, module = self.params, self.MODULE
        rule_id = params.get("id")
        if rule_id is not None and not _UUID.match(str(rule_id).strip()):
            raise _input(module, "id must be the rule's alert_config_id (a UUID such as e81f4500-1e13-11b2-bfff-ffffffffffff); got %r" % (rule_id,))
        types = params.get("alert_types")
        if types is not None:
            if not types:
                raise _input(module, "alert_types must list at least one alert type")
            bad = [item for item in types if not _ALERT_TYPE.match(str(item))]
            if bad:
                raise _input(
                    module,
                    "alert_types: %s not an alert type name (lower case letters, digits and "
                    "underscores, for example connection_state)" % ", ".join(repr(item) for item in bad),
                )
            data_plan = [item for item in types if item in PDP_ALERT_TYPES]
            if data_plan:
                raise _input(
                    module,
                    "alert types %s need data-plan settings (carrier and thresholds), which this module does not manage" % ", ".join(data_plan),
                    UnsupportedError,
                )
        for email in params.get("email_recipients") or []:
            if not _EMAIL.match(str(email or "")):
                raise _input(module, "email_recipients: %r is not an e-mail address" % (email,))
        for option in ("groups", "accounts", "http_destinations"):
            if any(str(item or "").strip() == "" for item in params.get(option) or []):
                raise _input(module, "%s must not contain empty entries" % option)

    # ---- resolution of names and ids -----------------------------------------------------------

    def _group_ids(self):
        """The ids of the user's groups (names or ids), resolved once."""
        if "groups" not in self._ids:
            keys = [_filter_value(key).strip() for key in self.params.get("groups") or []]
            found = []
            digits = [key for key in keys if key.isdigit()]
            names = [key for key in keys if not key.isdigit()]
            if digits:
                found += self.client.list_in("groups", "id", digits, fields=("id", "name"))
            if names:
                found += self.client.list_in("groups", "name", [key for key in names if "," not in key], fields=("id", "name"))
                for key in [key for key in names if "," in key]:
                    found += self.client.list("groups", {"name": key}, fields=("id", "name"))
            for item in found:
                self._groups[_ref_id(item.get("id"))] = item.get("name")
            ids = []
            for key in keys:
                matches = [group_id for group_id, name in self._groups.items() if key in (group_id, name)]
                if len(matches) > 1:
                    raise _input(self.MODULE, "several groups are named %r: %s; give the id" % (key, ", ".join(matches)), AmbiguousError)
                if not matches:
                    known = [item.name for item in self.client.groups()]
                    raise not_existing(_input(self.MODULE, "unknown group %r; groups: %s" % (key, _listing(sorted(known)))), "group", key)
                ids.append(matches[0])
            self._ids["groups"] = ids
        return self._ids["groups"]

    def _account_ids(self):
        accounts = self.client.all_accounts()
        ids = []
        for key in [_filter_value(key).strip() for key in self.params.get("accounts") or []]:
            matches = [item["id"] for item in accounts if key in (item["id"], item["name"])]
            if len(matches) > 1:
                raise _input(self.MODULE, "several accounts are named %r: %s; give the id" % (key, ", ".join(matches)), AmbiguousError)
            if not matches:
                raise _input(self.MODULE, "unknown account %r; accounts: %s" % (key, _listing("%s (id %s)" % (item["name"], item["id"]) for item in accounts)))
            ids.append(matches[0])
        return ids

    def _user_ids(self):
        emails = list(self.params.get("email_recipients") or [])
        if not emails:
            return []
        users = [{"id": user_id, "email": email} for user_id, email in self._users.items()]  # the rule's own

        def missing():
            return [email for email in emails if not any(str(user["email"] or "").casefold() == email.casefold() for user in users)]

        if missing():
            users += self.client.users(missing())
        if missing():  # the filter is exact: look again without regard to case
            users += self.client.users()
        ids = []
        for email in emails:
            matches = [user for user in users if user["email"] == email] or [user for user in users if str(user["email"] or "").casefold() == email.casefold()]
            if not matches:
                raise _input(self.MODULE, "email_recipients: no NCM user has the e-mail address %r (alert e-mails go to NCM users)" % email)
            self._users[matches[0]["id"]] = matches[0]["email"]
            ids.append(matches[0]["id"])
        return ids

    def _destination_list(self):
        if self._destinations is None:
            self._destinations = [
                {"id": str(item.get("destination_config_id")), "name": item.get("name")}
                for item in self.client.list("alert_push_destinations", fields=("destination_config_id", "name"))
            ]
        return self._destinations

    def _destination_ids(self):
        destinations = self._destination_list()
        ids = []
        for key in [str(key).strip() for key in self.params.get("http_destinations") or []]:
            matches = [item["id"] for item in destinations if key.lower() == item["id"].lower()] or [item["id"] for item in destinations if key == item["name"]]
            if len(matches) > 1:
                raise _input(
                    self.MODULE, "several HTTP push destinations are named %r: %s; give the destination_config_id" % (key, ", ".join(matches)), AmbiguousError
                )
            if not matches:
                raise _input(
                    self.MODULE,
                    "unknown http_destinations entry %r; push destinations: %s"
                    % (key, _listing("%s (%s)" % (item["name"], item["id"]) for item in destinations)),
                )
            ids.append(matches[0])
        return ids

    # ---- reading -----------------------------------------------------------------------------

    def read(self):
        params = self.params
        if params.get("id") not in (None, ""):
            found = self.client.list("alert_rules", {"alert_config_id": str(params["id"]).strip()})
            rule = found[0] if found else None
        else:
            types = set(params["alert_types"])
            groups = set(self._group_ids())
            matches = [
                item
                for item in self.client.list("alert_rules")
                if set((item.get("filter_criteria") or {}).get("alert_type__in") or []) == types
                and set(_ref_id(group) for group in item.get("associated_groups") or []) == groups
            ]
            if len(matches) > 1:
                raise _input(
                    self.MODULE,
                    "%d alert rules have the alert types %s and groups %s: %s; give id"
                    % (
                        len(matches),
                        ", ".join(sorted(types)),
                        ", ".join(params.get("groups") or []) or "(none)",
                        ", ".join(str(item.get("alert_config_id")) for item in matches),
                    ),
                    AmbiguousError,
                )
            rule = matches[0] if matches else None
        if rule is None:
            return None
        self.raw = rule
        return self._record(rule)

    def _record(self, rule):
        group_ids = [_ref_id(item) for item in rule.get("associated_groups") or []]
        unknown = [group_id for group_id in group_ids if group_id not in self._groups]
        if unknown:
            for item in self.client.list_in("groups", "id", unknown, fields=("id", "name")):
                self._groups[_ref_id(item.get("id"))] = item.get("name")
        user_ids = [_ref_id(item) for item in rule.get("email_destinations") or []]
        unknown = [user_id for user_id in user_ids if user_id not in self._users]
        if unknown:
            for user in self._users_by_id(unknown):
                self._users[user["id"]] = user["email"]
        accounts = dict((item["id"], item["name"]) for item in self.client.all_accounts()) if rule.get("associated_accounts") else {}
        destinations = dict((item["id"], item["name"]) for item in self._destination_list()) if rule.get("http_destinations") else {}
        schedule = rule.get("schedule")
        return {
            "id": str(rule.get("alert_config_id")),
            "alert_types": sorted((rule.get("filter_criteria") or {}).get("alert_type__in") or []),
            "groups": [self._groups.get(group_id, group_id) for group_id in group_ids],
            "accounts": [accounts.get(_ref_id(item), _ref_id(item)) for item in rule.get("associated_accounts") or []],
            "email_recipients": [self._users.get(user_id, user_id) for user_id in user_ids],
            "http_destinations": [destinations.get(str(item), str(item)) for item in rule.get("http_destinations") or []],
            "schedule": str(schedule).lower() if schedule not in (None, "", "None") else "none",
        }

    def _users_by_id(self, ids):
        fields = ("id", "email")
        return [{"id": _ref_id(item.get("id")), "email": item.get("email")} for item in self.client.list_in("users", "id", ids, fields=fields)]

    def desired(self, current):
        params = self.params
        if current is None and params.get("id") not in (None, ""):
            raise _input(self.MODULE, "no alert rule has the id %s" % params["id"])
        desired = {
            "alert_types": sorted(params["alert_types"]) if params.get("alert_types") is not None else None,
            "groups": None,
            "accounts": None,
            "email_recipients": None,
            "http_destinations": None,
            "schedule": params.get("schedule"),
        }
        if params.get("groups") is not None:
            desired["groups"] = [self._groups[group_id] for group_id in self._group_ids()]
        if params.get("accounts") is not None:
            self._ids["accounts"] = self._account_ids()
            names = dict((item["id"], item["name"]) for item in self.client.all_accounts())
            desired["accounts"] = [names[account_id] for account_id in self._ids["accounts"]]
        if params.get("email_recipients") is not None:
            self._ids["email_recipients"] = self._user_ids()
            desired["email_recipients"] = [self._users[user_id] for user_id in self._ids["email_recipients"]]
        if params.get("http_destinations") is not None:
            self._ids["http_destinations"] = self._destination_ids()
            names = dict((item["id"], item["name"]) for item in self._destination_list())
            desired["http_destinations"] = [names[destination] for destination in self._ids["http_destinations"]]
        return desired

    # ---- writing -----------------------------------------------------------------------------

    def _body(self, values):
        body = {}
        if values.get("alert_types") is not None:
            criteria = dict((self.raw or {}).get("filter_criteria") or {})  # keeps external_id__in
            criteria["alert_type__in"] = list(values["alert_types"])
            body["filter_criteria"] = criteria
        for option, field in (("groups", "associated_groups"), ("accounts", "associated_accounts"), ("email_recipients", "email_destinations")):
            if values.get(option) is not None:
                body[field] = [int(item) for item in self._ids[option]]
        if values.get("http_destinations") is not None:
            body["http_destinations"] = list(self._ids["http_destinations"])
        if values.get("schedule") is not None:
            body["schedule"] = None if values["schedule"] == "none" else values["schedule"]
        return body

    def create(self, desired):
        body = self._body(desired)
        body.setdefault("http_destinations", [])  # required on POST (alert_rules field table)
        body.setdefault("schedule", None)  # required on POST (alert_rules field table)
        created = self.client.create("alert_rules", body) or {}
        rule_id = created.get("alert_config_id")
        if not rule_id:
            raise MalformedResponseError("ncm: POST alert_rules/ answered without the new rule's alert_config_id", platform=self.client.platform)
        record = dict((key, value) for key, value in desired.items() if value is not None)
        for key in ("groups", "accounts", "email_recipients", "http_destinations"):
            record.setdefault(key, [])
        record.setdefault("schedule", "none")
        return dict(record, id=str(rule_id))

    def update(self, current, desired, changes):
        self.client.patch("alert_rules", current["id"], self._body(changes))
        return merged(current, changes)

    def delete(self, current):
        self.client.delete("alert_rules", current["id"])
