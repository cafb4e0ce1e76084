# -*- coding: utf-8 -*-
# Copyright: (c) 2026, wanfleet.routers contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""ssid_profile on NCM: a BSS slot of a router's or group's configuration."""

from __future__ import annotations

from ansible_collections.wanfleet.routers.plugins.module_utils.contracts import ssid as contract
from ansible_collections.wanfleet.routers.plugins.module_utils.errors import AmbiguousError, UnsupportedError
from ansible_collections.wanfleet.routers.plugins.module_utils.resource import UNKNOWN, Resource, merged
from ansible_collections.wanfleet.routers.plugins.module_utils._ncm.common import _SLOT, _as_bool, _input, _listing
from ansible_collections.wanfleet.routers.plugins.module_utils._ncm.config_tree import (
    _ConfigScope,
    _children,
    _require_scope,
    config_diff,
    config_get,
    read_secret,
    ssid_slot,
)
from ansible_collections.wanfleet.routers.plugins.module_utils._ncm.facts import (
    BAND_RADIOS,
    SECURITY_AUTHMODES,
    SSID_AUTHMODE_KEY,
    SSID_ENABLED_KEY,
    SSID_HIDDEN_KEY,
    SSID_NAME_KEY,
    SSID_PASSPHRASE_KEY,
    WLAN_RADIO_PATH,
)


class SsidProfileResource(Resource):
    """One BSS of wlan.radio.<r>.bss.<b> in a router's or group's configuration (id = "<r>.<b>").

    NCM has a fixed set of BSS slots, so "absent" disables (can_delete False). A slot counts as an
    existing SSID when it is enabled or the configuration names it; without `id`, the SSID is found by
    name (on the `band`'s radio if given), else the first unused slot of the `band`'s radio is taken.
    """

    MODULE = "ssid_profile"
    secret_keys = ("passphrase",)
    can_delete = False

    def __init__(self, client, params):
        super(SsidProfileResource, self).__init__(client, params)
        self.scope = _ConfigScope(client, params.get("device"), params.get("group"))
        self.slot = None
        self.slot_record = None

    def validate(self):
        params, module = self.params, self.MODULE
        _require_scope(module, params)
        contract.validate("ncm", params)
        slot = params.get("id")
        if slot not in (None, "") and not _SLOT.match(str(slot)):
            raise _input(module, "id must be <radio>.<bss>, for example 0.1 (radio 0, BSS 1); got %r" % (slot,))
        band = params.get("band")
        if band not in (None, "") and band not in BAND_RADIOS:
            raise _input(
                module,
                "band %s has no known radio index in the NCM configuration; give id (<radio>.<bss>) "
                "instead (known bands: %s)" % (band, ", ".join(sorted(BAND_RADIOS))),
                UnsupportedError,
            )
        if band and slot not in (None, ""):
            radio = _SLOT.match(str(slot)).group(1)
            if str(int(radio)) != BAND_RADIOS[band]:
                raise _input(module, "id %s is on radio %s, but band %s GHz is radio %s" % (slot, radio, band, BAND_RADIOS[band]))
        security = params.get("security")
        if security not in (None, "") and security not in SECURITY_AUTHMODES:
            raise _input(
                module, "security %s is not supported on platform ncm; use one of: %s" % (security, ", ".join(sorted(SECURITY_AUTHMODES))), UnsupportedError
            )

    # ---- reading -----------------------------------------------------------------------------

    def _slots(self):
        """[(slot, radio, bss dict)] of the effective configuration, radio by radio."""
        slots = []
        for radio_key, radio in _children(config_get(self.scope.effective, WLAN_RADIO_PATH)):
            for bss_key, bss in _children(radio.get("bss") if isinstance(radio, dict) else None):
                if isinstance(bss, dict):
                    slots.append((ssid_slot(radio_key, bss_key), str(radio_key), bss))
        return slots

    def _record(self, slot, radio, bss):
        authmode = bss.get(SSID_AUTHMODE_KEY)
        hidden = _as_bool(bss.get(SSID_HIDDEN_KEY))
        passphrase = bss.get(SSID_PASSPHRASE_KEY)
        bands = dict((value, key) for key, value in BAND_RADIOS.items())
        return {
            "id": slot,
            "name": bss.get(SSID_NAME_KEY),
            "enabled": _as_bool(bss.get(SSID_ENABLED_KEY)),
            "broadcast": None if hidden is None else not hidden,
            "security": dict((value, key) for key, value in SECURITY_AUTHMODES.items()).get(authmode, authmode),
            # "" = no passphrase in the configuration (readable, unlike "*"), so on_create sets one
            "passphrase": read_secret(passphrase) if passphrase not in (None, "") else "",
            "band": bands.get(radio),
        }

    def _exists(self, entry):
        """An SSID exists when its slot is enabled or the configuration names it."""
        slot, bss = entry[0], entry[2]
        radio_key, bss_key = slot.split(".")
        return _as_bool(bss.get(SSID_ENABLED_KEY)) is True or self.scope.configured(WLAN_RADIO_PATH + (radio_key, "bss", bss_key, SSID_NAME_KEY))

    def read(self):
        params, module = self.params, self.MODULE
        self.scope.load()
        slots = self._slots()
        band = params.get("band")
        band_radio = BAND_RADIOS.get(band) if band else None
        wanted = params.get("id")
        if wanted not in (None, ""):
            match = _SLOT.match(str(wanted))
            wanted = ssid_slot(int(match.group(1)), int(match.group(2)))
            entries = [entry for entry in slots if entry[0] == wanted]
            if not entries:
                raise _input(module, "%s has no SSID slot %s; its slots: %s" % (self.scope.label, wanted, _listing(entry[0] for entry in slots)))
            entry = entries[0]
        else:
            matches = [entry for entry in slots if entry[2].get(SSID_NAME_KEY) == params["name"] and (band_radio is None or entry[1] == band_radio)]
            if len(matches) > 1:
                used = [entry for entry in matches if self._exists(entry)]
                if len(used) != 1:
                    raise _input(
                        module,
                        "SSID %r is on several slots of %s: %s; give id (<radio>.<bss>) or band"
                        % (params["name"], self.scope.label, ", ".join(entry[0] for entry in used or matches)),
                        AmbiguousError,
                    )
                matches = used
            entry = matches[0] if matches else None
            if entry is None:
                if params.get("state") == "absent":
                    return None
                if band_radio is None:
                    raise _input(module, "%s has no SSID named %r; give id (<radio>.<bss>) or band to choose a free slot" % (self.scope.label, params["name"]))
                free = [item for item in slots if item[1] == band_radio and not self._exists(item)]
                if not free:
                    raise _input(
                        module,
                        "%s has no unused SSID slot on the %s GHz radio; give id to reuse one of: %s"
                        % (self.scope.label, band, _listing(item[0] for item in slots if item[1] == band_radio)),
                    )
                entry = free[0]
        self.slot = entry[0]
        self.slot_record = self._record(*entry)
        return self.slot_record if self._exists(entry) else None

    def desired(self, current):
        params = self.params
        desired = {
            "id": self.slot,
            "name": params["name"],
            "enabled": params.get("enabled"),
            "broadcast": params.get("broadcast"),
            "security": params.get("security"),
            "passphrase": params.get("passphrase"),
            "band": params.get("band") or None,
        }
        if current is None:
            if desired["enabled"] is None:
                desired["enabled"] = True  # an SSID that is made to exist is switched on unless told otherwise
            security = desired["security"] or self.slot_record["security"]
            if security != "open" and desired["passphrase"] is None and self.slot_record["passphrase"] == "":
                raise _input(
                    self.MODULE, "passphrase is required to set up the secured SSID %r in slot %s of %s" % (params["name"], self.slot, self.scope.label)
                )
        return desired

    # ---- writing -----------------------------------------------------------------------------

    def _write(self, values):
        updates = {}
        if values.get("name") is not None:
            updates[SSID_NAME_KEY] = values["name"]
        if values.get("enabled") is not None:
            updates[SSID_ENABLED_KEY] = values["enabled"]
        if values.get("broadcast") is not None:
            updates[SSID_HIDDEN_KEY] = not values["broadcast"]
        if values.get("security") is not None:
            updates[SSID_AUTHMODE_KEY] = SECURITY_AUTHMODES[values["security"]]
        if values.get("passphrase") not in (None, UNKNOWN):
            updates[SSID_PASSPHRASE_KEY] = values["passphrase"]
        if updates:
            radio, bss = self.slot.split(".")
            self.scope.patch(config_diff(WLAN_RADIO_PATH + (radio, "bss", bss), updates))

    def create(self, desired):
        self._write(desired)
        return merged(self.slot_record, dict((key, value) for key, value in desired.items() if value is not None))

    def delete(self, current):
        raise _input(self.MODULE, "NCM SSID slots cannot be deleted; absent disables them")

    def update(self, current, desired, changes):
        self._write(changes)
        return merged(current, changes)
