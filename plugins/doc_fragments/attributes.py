# -*- coding: utf-8 -*-
# Copyright: (c) 2026, wanfleet.routers contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment(object):
    """The attributes of every module: what each means here, said once.

    A module's own `attributes:` gives only what is its own: diff_mode's support, the platforms it supports
    (platform.platforms) and, where it says more than the description, `details`. ansible-doc merges the two
    per attribute, the module's keys winning.
    """

    DOCUMENTATION = r"""
options: {}
attributes:
  action:
    support: full
    description:
      - Has an action plugin that runs the module inside the controller's worker, without a module process, when the
        connection is local; with another connection, become, async, a task O(ignore:environment) or the variable
        C(wanfleet_run_on_controller=false) it runs as a module process. The result is the same either way.
  check_mode:
    support: full
    description: Can run in check mode; it sends no write request, and the result predicts the change.
  diff_mode:
    description: In diff mode, shows the options that change (or would change in check mode), before and after; secrets
      are masked.
  platform:
    support: full
    description: Runs on the controller and talks to the API of each platform listed (O(platform)).
"""

    # Modules that only read.
    READ_ONLY = r"""
options: {}
attributes:
  check_mode:
    details: Reads only, so check mode sends the same reads and changes nothing.
  diff_mode:
    support: none
    details: Nothing is changed, so there is no diff.
"""
