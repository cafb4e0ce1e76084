# -*- coding: utf-8 -*-
# Copyright: (c) 2026, wanfleet.routers contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The cross-platform contracts: one table of what each platform takes, held to the modules' SPEC, their
documentation, every platform's Resource and the site_provision role."""

from __future__ import annotations

import os
import re

import pytest
import yaml

from ansible_collections.wanfleet.routers.plugins.module_utils import clients
from ansible_collections.wanfleet.routers.plugins.module_utils.contracts import ssid
from ansible_collections.wanfleet.routers.plugins.module_utils.errors import InputError, UnsupportedError
from ansible_collections.wanfleet.routers.plugins.modules import ssid_profile

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..", ".."))
DOC = yaml.safe_load(ssid_profile.DOCUMENTATION)
VALID = {"name": "Staff", "band": "2.4", "state": "present"}
# The selection each platform needs (validate() runs without a client: it sends nothing).
SCOPE = {"incontrol": {"group": "Branches"}, "ncm": {"device": "router-1"}, "peplink_router": {}, "telecomx": {"device": "router-1"}}


def notes_of(platform):
    return " ".join(note for note in DOC["notes"] if note.startswith("O(platform=%s)" % platform))


def test_the_table_names_only_the_module_s_platforms_and_options():
    assert set(ssid.UNSUPPORTED) == set(ssid_profile.SPEC["platforms"])
    for platform, options in ssid.UNSUPPORTED.items():
        assert set(options) <= set(ssid_profile.SPEC["argument_spec"]), platform


@pytest.mark.parametrize("platform,option", [(platform, option) for platform, options in sorted(ssid.UNSUPPORTED.items())
                                             for option in sorted(options)])
def test_the_documentation_says_what_the_table_refuses(platform, option):
    assert "O(%s)" % option in notes_of(platform)


@pytest.mark.parametrize("platform,option", [(platform, option) for platform, options in sorted(ssid.UNSUPPORTED.items())
                                             for option in sorted(options)])
def test_every_platform_refuses_an_unsupported_option_the_same_way(platform, option):
    params = dict((key, None) for key in ssid_profile.SPEC["argument_spec"])
    params.update(VALID, platform=platform, update_passphrase="always", **SCOPE[platform])
    if platform == "peplink_router":
        params["band"] = None
    params[option] = {"id": "1", "vlan_id": 20, "broadcast": False, "fast_transition": False}.get(option, "x")
    resource = clients.resource_class(platform, "ssid_profile")(None, params)
    with pytest.raises(UnsupportedError) as caught:
        resource.validate()
    assert caught.value.message == "%s: ssid_profile option %s is not supported on platform %s: %s" % (
        platform, option, platform, ssid.UNSUPPORTED[platform][option])


COMMON_RULES = [
    (dict(name="\u00e9" * 17), "ssid_profile: name (the SSID) must be 1 to 32 bytes (octets of UTF-8), got 34"),
    (dict(vlan_id=4095), "ssid_profile: vlan_id must be 1 to 4094, or 0 for untagged (the LAN); got 4095"),
    (dict(security="open", passphrase="abcdefgh"), "ssid_profile: passphrase is not allowed with security open"),
    (dict(passphrase="short"), "ssid_profile: passphrase must be 8 to 63 printable ASCII characters"),
    (dict(security="wpa_wpa2_personal", fast_transition=True),
     "ssid_profile: fast_transition can be set only with security wpa2_personal, not wpa_wpa2_personal"),
]


@pytest.mark.parametrize("platform,params,message", [
    (platform, params, message) for platform in sorted(ssid.UNSUPPORTED) for params, message in COMMON_RULES
    if not set(params) & set(ssid.UNSUPPORTED[platform])])
def test_the_common_rules_read_the_same_on_every_platform(platform, params, message):
    with pytest.raises(InputError) as caught:
        ssid.validate(platform, dict(dict(name="Staff"), **params))
    assert caught.value.message.startswith("%s: %s" % (platform, message))


def test_the_role_refuses_what_the_table_refuses():
    """roles/site_provision checks an SSID item's scope before any module runs; it must agree with the table."""
    with open(os.path.join(ROOT, "roles", "site_provision", "templates", "input_errors.json.j2")) as handle:
        template = handle.read()
    assert "platform == 'incontrol' and ssid.device is defined" in template
    assert "device" in ssid.UNSUPPORTED["incontrol"]
    # telecomx: a site has no group at all (the role refuses site_provision_group there), as the table refuses group.
    assert re.search(r"has_groups = platform in \['incontrol', 'ncm'\]", template)
    assert "group" in ssid.UNSUPPORTED["telecomx"] and all("group" not in ssid.UNSUPPORTED[p] for p in ("incontrol", "ncm"))
