# -*- coding: utf-8 -*-
# Copyright: (c) 2026, wanfleet.routers contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Open the platform client a module or an inventory source asks for.

The platform modules are imported by name here (not dynamically) because
Ansible packs into a module's payload only the module_utils it can see
imported. They are imported inside platform_module(), only the one a task
uses: every task is a new Python process that compiles the module_utils it
imports from source (the payload is a zip, without bytecode), so importing
all four platform modules cost each task about a third of a second.
"""

from __future__ import annotations

import contextlib
from types import ModuleType
from typing import Any, Iterator, Mapping

from ansible_collections.wanfleet.routers.plugins.module_utils.connection import platform_settings, secret_values, transport_value
from ansible_collections.wanfleet.routers.plugins.module_utils.errors import Redactor
from ansible_collections.wanfleet.routers.plugins.module_utils.http import HttpSession
from ansible_collections.wanfleet.routers.plugins.module_utils.token_cache import TokenCache


def platform_module(platform: str) -> ModuleType:
    """The module_utils module of `platform`, importing that one only."""
    if platform == "incontrol":
        from ansible_collections.wanfleet.routers.plugins.module_utils import incontrol

        return incontrol
    if platform == "peplink_router":
        from ansible_collections.wanfleet.routers.plugins.module_utils import peplink_router

        return peplink_router
    if platform == "ncm":
        from ansible_collections.wanfleet.routers.plugins.module_utils import ncm

        return ncm
    if platform == "telecomx":
        from ansible_collections.wanfleet.routers.plugins.module_utils import telecomx

        return telecomx
    raise KeyError(platform)


def client_class(platform: str) -> type:
    """The client class of `platform` (a platform_client.PlatformClient)."""
    return platform_module(platform).CLIENT


def resource_class(platform: str, module: str) -> type:
    """The Resource class of `module` (its name: "group", "ssid_profile", ...) on `platform`."""
    return platform_module(platform).RESOURCES[module]


@contextlib.contextmanager
def open_client(params: Mapping[str, Any], redactor: Redactor | None = None, session: HttpSession | None = None) -> Iterator[Any]:
    """Yield the client for params['platform']; close it (router logout) and the session after.

    `params` has the shape of the module arguments (the connection options of doc fragment wanfleet.routers.connection). Raises
    InputError for missing credentials before any request.
    """
    redactor = redactor or Redactor()
    for secret in secret_values(params):
        redactor.add(secret)
    settings = platform_settings(params)
    own_session = session is None
    if own_session:
        session = HttpSession(
            timeout=transport_value(params, "timeout"), validate_certs=params.get("validate_certs", True) is not False, ca_path=params.get("ca_path")
        )
    client = client_class(params["platform"])(
        settings,
        session,
        redactor=redactor,
        token_cache=TokenCache(enabled=params.get("token_cache", True) is not False),
        max_retries=transport_value(params, "max_retries"),
        rate_limit=params.get("rate_limit"),
    )
    try:
        yield client
    finally:
        try:
            client.close()
        finally:
            if own_session:
                session.close()
