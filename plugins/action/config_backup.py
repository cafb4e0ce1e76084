# -*- coding: utf-8 -*-
# Copyright: (c) 2026, wanfleet.routers contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Runs wanfleet.routers.config_backup in the controller's worker when it can (plugins/plugin_utils/controller.py)."""

from __future__ import annotations

from ansible_collections.wanfleet.routers.plugins.plugin_utils.controller import ControllerAction


class ActionModule(ControllerAction):
    pass
