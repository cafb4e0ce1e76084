# -*- coding: utf-8 -*-
# Copyright: (c) 2026, wanfleet.routers contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment(object):
    """Attributes every module of the collection shares."""

    DOCUMENTATION = r"""
attributes:
  action:
    support: full
    description:
      - Has an action plugin that runs the module inside the controller's worker, without a module process, when the
        connection is local; with another connection, become, async, a task O(ignore:environment) or the variable
        C(wanfleet_run_on_controller=false) it runs as a module process. The result is the same either way.
"""
