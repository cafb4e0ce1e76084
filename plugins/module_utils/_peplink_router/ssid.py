# -*- coding: utf-8 -*-
# Copyright: (c) 2026, wanfleet.routers contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""ssid_profile on a Peplink router: config.ssid.profile (update only) and its body."""

from __future__ import annotations

from ansible_collections.wanfleet.routers.plugins.module_utils.contracts import ssid as contract
from ansible_collections.wanfleet.routers.plugins.module_utils.errors import (
    AmbiguousError,
    InputError,
    UnsupportedError,
)
from ansible_collections.wanfleet.routers.plugins.module_utils.resource import Resource, changes_between
from ansible_collections.wanfleet.routers.plugins.module_utils._peplink_router.common import (
    _check_router_selection,
    _discard_after_failure,
)
from ansible_collections.wanfleet.routers.plugins.module_utils._peplink_router.facts import (
    OPEN_SECURITY,
    SECURITY_OBJECTS,
    SECURITY_POLICIES,
)


# ---- the modules' resources (resource.ensure() drives them) -------------------------------------

SUPPORTED_SECURITY = (OPEN_SECURITY,) + tuple(sorted(SECURITY_POLICIES))
SSID_KEYS = ("name", "enabled", "broadcast", "vlan_id", "security", "passphrase", "fast_transition")


class SsidProfileResource(Resource):
    """One SSID profile of the router (`config.ssid.profile`).

    The API updates existing profiles only ("action": "update"): a profile is found by `id`, else
    by `name`, and one that is not there fails with the existing ones listed. "absent" means
    disabled. A change is written (saved as pending config), then applied with cmd.config.apply;
    if anything fails after the first write, cmd.config.discard drops the pending change.
    """

    secret_keys = ("passphrase",)
    can_delete = False

    def __init__(self, client, params):
        super(SsidProfileResource, self).__init__(client, params)
        self._writes_before = None
        self.apply_warning = None

    def validate(self):
        params = self.params
        contract.validate("peplink_router", params)
        _check_router_selection(self.client, params, "ssid_profile")
        security = params.get("security")
        if security is not None and security not in SUPPORTED_SECURITY:
            raise UnsupportedError(
                "peplink_router: ssid_profile: security %s is not supported by the router API; it supports %s" % (security, ", ".join(SUPPORTED_SECURITY)),
                platform="peplink_router",
            )
        if params.get("id") is not None and _profile_number(params["id"]) is None:
            raise InputError("peplink_router: ssid_profile: id must be an SSID profile number (1, 2, ...), got %r" % params["id"], platform="peplink_router")
        # The router keeps fast_transition inside the WPA2 Personal settings: even false cannot be sent with another policy.
        if params.get("fast_transition") is not None and security not in (None, "wpa2_personal"):
            raise InputError(
                "peplink_router: ssid_profile: fast_transition can be set only with security wpa2_personal, not %s" % security, platform="peplink_router"
            )

    def read(self):
        params = self.params
        profiles = self.client.ssid_profiles()
        if params.get("id") is not None:
            number = _profile_number(params["id"])
            found = [item for item in profiles if _profile_number(item["id"]) == number]
            wanted = "id %s" % number
        else:
            found = [item for item in profiles if item["name"] == params["name"]]
            wanted = "name %r" % params["name"]
            if len(found) > 1:
                raise AmbiguousError(
                    "peplink_router: ssid_profile: several SSID profiles are named %r: ids %s; give id"
                    % (params["name"], ", ".join(str(item["id"]) for item in found)),
                    platform="peplink_router",
                )
            if not found and params.get("state") == "absent":
                return None  # no SSID of that name: nothing to disable
        if not found:
            known = ", ".join("%s (%s)" % (item["id"], item["name"]) for item in profiles) or "none (this router has no Wi-Fi)"
            raise InputError(
                "peplink_router: ssid_profile: no SSID profile with %s; the router API cannot create profiles, only update these: %s" % (wanted, known),
                platform="peplink_router",
            )
        current = found[0]
        self._refuse_incontrol_managed(current)
        return current

    def desired(self, current):
        params = self.params
        wanted = dict((key, params.get(key)) for key in SSID_KEYS)
        have = (current or {}).get("security")
        security = wanted["security"] or have
        if wanted["security"] == OPEN_SECURITY and have != OPEN_SECURITY:
            raise InputError(
                "peplink_router: ssid_profile: the router API cannot turn an SSID's security off (its policy "
                "takes only %s); profile %s is %s" % (", ".join(sorted(SECURITY_POLICIES.values())), current["id"], have),
                platform="peplink_router",
            )
        if wanted["fast_transition"] is not None and security != "wpa2_personal":
            raise InputError(
                "peplink_router: ssid_profile: fast_transition can be set only with security wpa2_personal; profile %s is %s" % (current["id"], security),
                platform="peplink_router",
            )
        if wanted["passphrase"] is not None and security not in SECURITY_POLICIES:
            raise InputError(
                "peplink_router: ssid_profile: a passphrase needs security wpa2_personal or wpa_wpa2_personal; "
                "profile %s is %s (give security)" % (current["id"], security),
                platform="peplink_router",
            )
        if wanted["security"] in SECURITY_POLICIES and have not in SECURITY_POLICIES and wanted["passphrase"] is None and not (current or {}).get("passphrase"):
            raise InputError(
                "peplink_router: ssid_profile: profile %s has no passphrase yet: give passphrase to turn on %s" % (current["id"], wanted["security"]),
                platform="peplink_router",
            )
        return wanted

    def update(self, current, desired, changes):
        self._writes_before = self.client.sent_writes
        profile = self.client.update_ssid_profile(current["id"], changes, current)
        self.apply_warning = self.client.apply_config()
        if self.apply_warning:
            self.client.notices.append("cmd.config.apply: %s" % self.apply_warning)
        return profile or dict(current, **changes)

    def rollback(self):
        return _discard_after_failure(self.client, self._writes_before)

    rollback_failed = "the router may hold pending configuration, apply or discard it in its web admin"

    def _refuse_incontrol_managed(self, current):
        """The router refuses local changes to a profile InControl pushes: say so before writing."""
        if not current.get("incontrol_managed"):
            return
        wanted = {"enabled": False} if self.params.get("state") == "absent" else self.desired(current)
        changes = changes_between(wanted, current, self.secret_keys, (), self.params.get("update_passphrase") or "always")
        if changes:
            raise InputError(
                "peplink_router: ssid_profile: SSID profile %s (%s) is managed by InControl (incontrolManaged); the router "
                "does not take local changes to it (%s): change it with platform incontrol, in its group's SSID profiles"
                % (current["id"], current["name"], ", ".join(sorted(changes))),
                platform="peplink_router",
            )


def _profile_number(value):
    """A positive integer id from an int or a digit string, else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value > 0 else None
    text = str(value).strip()
    return int(text) if text.isdigit() and int(text) > 0 else None


# ---- helpers ------------------------------------------------------------------------------------


def ssid_update_body(profile_id, changes, current=None):
    """The config.ssid.profile update body for `changes` (ssid_profiles()' keys). Raises InputError."""
    if changes.get("band") is not None:
        raise InputError("peplink_router: the router API cannot set an SSID's band", platform="peplink_router")
    body = {"action": "update", "id": int(profile_id)}
    for key, field in (("name", "name"), ("enabled", "enable"), ("broadcast", "broadcast"), ("vlan_id", "vlanId")):
        if changes.get(key) is not None:
            body[field] = changes[key]
    if all(changes.get(key) is None for key in ("security", "passphrase", "fast_transition")):
        return body
    wanted = changes.get("security") or (current or {}).get("security")
    if wanted not in SECURITY_POLICIES:
        raise InputError(
            "peplink_router: security %r cannot be set through the router API; it supports %s" % (wanted, ", ".join(sorted(SECURITY_POLICIES))),
            platform="peplink_router",
        )
    policy = SECURITY_POLICIES[wanted]
    security = {}
    if changes.get("security") is not None:
        security["policy"] = policy
    settings = {}
    if changes.get("passphrase") is not None:
        settings["key"] = changes["passphrase"]
    if changes.get("fast_transition") is not None:
        if wanted != "wpa2_personal":
            raise InputError("peplink_router: fast_transition can be set only with security wpa2_personal", platform="peplink_router")
        settings["fastTransition"] = bool(changes["fast_transition"])
    if settings:
        security[SECURITY_OBJECTS[policy]] = settings
    body["security"] = security
    return body
