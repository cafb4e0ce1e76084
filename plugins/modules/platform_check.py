#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, wanfleet.routers contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: platform_check
short_description: Check, read-only, that a platform answers every call the collection reads as the collection expects
version_added: 0.1.0
description:
  - Asks the platform once for each read the collection depends on, documented and inferred, and reports for each
    the outcome (answered as expected, different shape, refused), the vendor's HTTP status and a fingerprint of the
    answer's shape (its keys and types, never its values).
  - Safe on production accounts. Only GET requests are sent, besides the platform's usual login; at most 16 calls a
    run, each asking for a handful of items; requests go through the collection's rate limiter and honour C(429)
    with C(Retry-After).
  - Its RV(table) is what to paste into a bug report; see the collection's troubleshooting guide.
extends_documentation_fragment:
  - wanfleet.routers.connection
  - wanfleet.routers.attributes
  - wanfleet.routers.attributes.read_only
options: {}
attributes:
  platform:
    platforms: [incontrol, peplink_router, ncm, telecomx]
notes:
  - A call that needs an id (a group, a device) is skipped when no earlier call found one, for example on an
    empty account; the table says so.
author:
  - wanfleet.routers contributors (@wanfleet)
"""

EXAMPLES = r"""
- name: Check NetCloud Manager with the keys in the environment
  wanfleet.routers.platform_check:
    platform: ncm
  register: check

- name: Print the table for a bug report
  ansible.builtin.debug:
    msg: "{{ check.table }}"
"""

RETURN = r"""
calls:
  description: One entry per call, in the order asked.
  returned: success
  type: list
  elements: dict
  contains:
    call:
      description: The method and path template.
      type: str
      sample: GET /rest/o/{org}/g/{group}/ssid_profiles
    evidence:
      description: V(documented), or V(inferred) with where the collection learned it.
      type: str
      sample: "inferred: public client (TechBlueprints peplink-mcp)"
    outcome:
      description: V(answered as expected), V(different shape), V(refused (<kind>)) or V(skipped).
      type: str
      sample: answered as expected
    status:
      description: The vendor's HTTP status, when a request was sent.
      type: int
      sample: 200
    fingerprint:
      description: The first 12 hex digits of the SHA-256 of the answer's shape.
      type: str
      sample: 3f2a9c1b0d4e
    shape:
      description: The answer's shape, keys and types only (shortened).
      type: str
      sample: "[{enabled: bool, id: int, ssid: str}]"
table:
  description: The calls as text lines, a header first.
  returned: success
  type: list
  elements: str
"""

from ansible_collections.wanfleet.routers.plugins.module_utils.ansible_module import WanfleetModule
from ansible_collections.wanfleet.routers.plugins.module_utils.platform_check import run, table

SPEC = dict(
    argument_spec=dict(),
    platforms=("incontrol", "peplink_router", "ncm", "telecomx"),
    reads_only=True,
)


def operate(module, client):
    rows = run(client)
    return {"changed": False, "calls": rows, "table": table(module.platform, rows)}


def main():
    WanfleetModule(**SPEC).run(operate)


if __name__ == "__main__":
    main()
