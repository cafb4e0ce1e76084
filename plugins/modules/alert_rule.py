#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, wanfleet.routers contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: alert_rule
short_description: Ensure a NetCloud Manager alert rule
version_added: 0.1.0
description:
  - "Creates, updates or deletes one NCM alert rule (C(alert_rules)): which alert types, for which groups and
    accounts, go to which e-mail recipients and HTTP push destinations, and how often."
  - NCM alert rules have no name. Without O(id), a rule is the one whose alert types and groups are exactly
    O(alert_types) and O(groups); if several rules match, the task fails and lists their ids.
extends_documentation_fragment:
  - wanfleet.routers.connection
  - wanfleet.routers.attributes
options:
  platform:
    description:
      - Which API to talk to. This module speaks only V(ncm) (NetCloud Manager), the default; another value fails
        before any request. E(WANFLEET_PLATFORM) is not read by this module.
    type: str
    required: false
    default: ncm
    choices: [incontrol, peplink_router, ncm, telecomx]
  id:
    description: The rule's C(alert_config_id), to update or delete that rule whatever its alert types.
    type: str
  alert_types:
    description:
      - The alert types (for example V(connection_state), V(failover_event), V(config_rejected)).
        Required unless O(id) is given.
    type: list
    elements: str
  groups:
    description: Groups (names or ids) the rule covers. Empty for none.
    type: list
    elements: str
  accounts:
    description: Accounts (names or ids) the rule covers.
    type: list
    elements: str
  email_recipients:
    description: E-mail addresses of NCM users to notify; each must belong to an NCM user (resolved through C(users)).
    type: list
    elements: str
  http_destinations:
    description: Names (or ids) of HTTP push destinations (C(alert_push_destinations)) to notify.
    type: list
    elements: str
  schedule:
    description: V(none) sends each alert as it happens; V(hourly) and V(daily) send summaries.
    type: str
    choices: [none, hourly, daily]
  state:
    description: V(present) or V(absent).
    type: str
    default: present
    choices: [present, absent]
attributes:
  diff_mode:
    support: full
  platform:
    platforms: [ncm]
notes:
  - Only O(platform=ncm) has alert rules in its API; other platforms fail before any request.
author:
  - wanfleet.routers contributors (@wanfleet)
"""

EXAMPLES = r"""
- name: Tell the NOC about connection and failover events of the stores
  wanfleet.routers.alert_rule:
    platform: ncm
    alert_types: [connection_state, failover_event]
    groups: [Stores]
    email_recipients: [noc@example.com]
    http_destinations: [noc-webhook]
    schedule: none
"""

RETURN = r"""
rule:
  description: The rule after the task (predicted in check mode); null after O(state=absent).
  returned: always
  type: dict
  sample: {id: e81f4500-1e13-11b2-bfff-ffffffffffff, alert_types: [connection_state, failover_event], groups: [Stores],
           accounts: [], email_recipients: [noc@example.com], http_destinations: [noc-webhook], schedule: none}
changed_keys:
  description: The options that changed.
  returned: when changed
  type: list
  elements: str
"""

from ansible_collections.wanfleet.routers.plugins.module_utils.ansible_module import WanfleetModule
from ansible_collections.wanfleet.routers.plugins.module_utils.clients import resource_class
from ansible_collections.wanfleet.routers.plugins.module_utils.resource import ensure_module

SPEC = dict(
    argument_spec=dict(
        id=dict(type="str"),
        alert_types=dict(type="list", elements="str"),
        groups=dict(type="list", elements="str"),
        accounts=dict(type="list", elements="str"),
        email_recipients=dict(type="list", elements="str"),
        http_destinations=dict(type="list", elements="str"),
        schedule=dict(type="str", choices=["none", "hourly", "daily"]),
        state=dict(type="str", default="present", choices=["present", "absent"]),
    ),
    platforms=("ncm",),
    required_one_of=[("id", "alert_types")],
)


def operate(module, client):
    return ensure_module(module, resource_class(module.platform, "alert_rule")(client, module.params), "rule")


def main():
    WanfleetModule(**SPEC).run(operate)


if __name__ == "__main__":
    main()
