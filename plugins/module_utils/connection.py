# -*- coding: utf-8 -*-
# Copyright: (c) 2026, wanfleet.routers contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Connection options (doc fragment wanfleet.routers.connection), shared by every module and the inventory.

One table, CREDENTIALS, says which options each platform has, their
environment variables and which are secret. The module argument spec, the
inventory's source validation and the credential checks are all built from it,
and a unit test holds the doc fragment to it.
"""

from __future__ import annotations

import math
import os
from typing import Any, Mapping

from ansible.module_utils.basic import env_fallback
from ansible.module_utils.parsing.convert_bool import boolean

from ansible_collections.wanfleet.routers.plugins.module_utils.errors import InputError

PLATFORMS = ("incontrol", "peplink_router", "ncm", "telecomx")

DEFAULT_URLS = {
    "incontrol": "https://api.ic.peplink.com",
    "peplink_router": None,  # each router has its own address
    "ncm": "https://www.cradlepointecm.com/api/v2",
    "telecomx": "https://api.telecomx.dk",
}

# platform -> [(option, environment variable, secret)]
CREDENTIALS = {
    "incontrol": [
        ("url", "INCONTROL_URL", False),
        ("client_id", "INCONTROL_CLIENT_ID", False),
        ("client_secret", "INCONTROL_CLIENT_SECRET", True),
        ("organization", "INCONTROL_ORG", False),
    ],
    "peplink_router": [
        ("url", "PEPLINK_URL", False),
        ("username", "PEPLINK_USERNAME", False),
        ("password", "PEPLINK_PASSWORD", True),
        ("client_id", "PEPLINK_CLIENT_ID", False),
        ("client_secret", "PEPLINK_CLIENT_SECRET", True),
    ],
    "ncm": [
        ("url", "CP_BASE_URL", False),
        ("cp_api_id", "X_CP_API_ID", False),
        ("cp_api_key", "X_CP_API_KEY", True),
        ("ecm_api_id", "X_ECM_API_ID", False),
        ("ecm_api_key", "X_ECM_API_KEY", True),
    ],
    "telecomx": [
        ("url", "TELECOMX_URL", False),
        ("username", "TELECOMX_USERNAME", False),
        ("password", "TELECOMX_PASSWORD", True),
        ("token", "TELECOMX_TOKEN", True),
        ("customer", "TELECOMX_CUSTOMER", False),
    ],
}

# platform -> the alternative sets of options that authenticate (the first complete one is used)
AUTH_SETS = {
    "incontrol": [("client_id", "client_secret")],
    "peplink_router": [("username", "password"), ("client_id", "client_secret")],
    "ncm": [("cp_api_id", "cp_api_key", "ecm_api_id", "ecm_api_key")],
    "telecomx": [("token",), ("username", "password")],
}

# The transport defaults, here only (http.py, clients.py and the inventory read them from here).
DEFAULT_TIMEOUT = 30.0
DEFAULT_MAX_RETRIES = 5
# A Retry-After longer than this is not waited out: the run fails with the hint instead.
RETRY_MAX_WAIT = 60.0

# option -> (type, environment variable, default)
TRANSPORT = {
    "validate_certs": ("bool", "WANFLEET_VALIDATE_CERTS", True),
    "ca_path": ("path", "WANFLEET_CA_PATH", None),
    "timeout": ("float", "WANFLEET_TIMEOUT", DEFAULT_TIMEOUT),
    "max_retries": ("int", "WANFLEET_MAX_RETRIES", DEFAULT_MAX_RETRIES),
    "token_cache": ("bool", "WANFLEET_TOKEN_CACHE", True),
    "rate_limit": ("float", "WANFLEET_RATE_LIMIT", None),
}


def connection_argument_spec() -> dict[str, dict[str, Any]]:
    """The argument spec of the connection options, for AnsibleModule."""
    spec = {
        "platform": dict(type="str", required=True, choices=list(PLATFORMS), fallback=(env_fallback, ["WANFLEET_PLATFORM"])),
    }
    for platform, options in CREDENTIALS.items():
        spec[platform] = dict(
            type="dict",
            apply_defaults=True,  # so environment variables alone are enough
            options=dict((name, dict(type="str", no_log=secret, fallback=(env_fallback, [env]))) for name, env, secret in options),
        )
    for name, (kind, env, default) in TRANSPORT.items():
        spec[name] = dict(type=kind, fallback=(env_fallback, [env]))
        if default is not None:
            spec[name]["default"] = default
    return spec


def resolve_source(source: Mapping[str, Any]) -> dict[str, Any]:
    """Fill a plain dict (an inventory source) the way the argument spec fills module params.

    Values given win; then environment variables; then defaults. Returns a new dict
    with `platform`, the platform's dict and the transport options.
    """
    platform = source.get("platform") or os.environ.get("WANFLEET_PLATFORM")
    if platform not in PLATFORMS:
        raise InputError("platform must be one of %s, got %r" % (", ".join(PLATFORMS), platform))
    given = source.get(platform) or {}
    unknown = sorted(set(given) - set(option[0] for option in CREDENTIALS[platform]))
    if unknown:
        raise InputError("%s: unknown option(s) %s" % (platform, ", ".join(unknown)))
    resolved = {"platform": platform, platform: {}}
    for name, env in (option[:2] for option in CREDENTIALS[platform]):
        value = given.get(name)
        resolved[platform][name] = value if value not in (None, "") else os.environ.get(env)
    for name, (kind, env, default) in TRANSPORT.items():
        value = source.get(name)
        if value is None:
            value = os.environ.get(env, default)
        if value is not None:
            try:
                value = {"bool": boolean, "float": float, "int": int}.get(kind, str)(value)
            except (TypeError, ValueError):
                raise InputError("%s must be of type %s, got %r" % (name, kind, value))
        resolved[name] = value
    return resolved


def platform_settings(params: Mapping[str, Any]) -> dict[str, Any]:
    """The chosen platform's options with its default URL, checked for completeness.

    Raises InputError naming the option and its environment variable before any request.
    """
    platform = params["platform"]
    settings = dict(params.get(platform) or {})
    env_of = dict(option[:2] for option in CREDENTIALS[platform])
    if not settings.get("url"):
        settings["url"] = DEFAULT_URLS[platform]
    if not settings.get("url"):
        raise InputError("%s: url is required: set %s.url or %s" % (platform, platform, env_of["url"]))
    if not settings["url"].startswith(("http://", "https://")):
        raise InputError("%s: url must start with http:// or https://, got %r" % (platform, settings["url"]))
    settings["url"] = settings["url"].rstrip("/")
    if not any(all(settings.get(name) for name in names) for names in AUTH_SETS[platform]):
        # Per alternative, only the options it still lacks: one missing NCM key names that key alone.
        wanted = " or ".join(
            "+".join("%s.%s (%s)" % (platform, name, env_of[name]) for name in names if not settings.get(name)) for names in AUTH_SETS[platform]
        )
        raise InputError("%s: credentials are missing: set %s" % (platform, wanted))
    for names in AUTH_SETS[platform]:
        if all(settings.get(name) for name in names):
            settings["auth"] = names  # which set the client should use
            break
    for name, env in env_of.items():
        # A pasted key often ends in a newline: sent as is, it would fail in the HTTP library with an
        # error that prints the value. The message names the option, never the value.
        if any(ord(char) < 32 or ord(char) == 127 for char in str(settings.get(name) or "")):
            raise InputError(
                "%s: %s.%s (%s) contains a control character (a line break or tab, often from pasting); remove it" % (platform, platform, name, env),
                platform=platform,
            )
    check_transport(params)
    return settings


def transport_value(params: Mapping[str, Any], name: str) -> Any:
    """params[name] (timeout or max_retries), or its default when the option is unset (None)."""
    value = params.get(name)
    return TRANSPORT[name][2] if value is None else value


def check_transport(params: Mapping[str, Any]) -> None:
    """Refuse transport options no request could honour (before any request)."""
    timeout = params.get("timeout")
    if timeout is not None and not (isinstance(timeout, (int, float)) and math.isfinite(timeout) and timeout > 0):
        raise InputError("timeout must be a positive number of seconds, got %r" % (timeout,))
    rate = params.get("rate_limit")
    if rate is not None and not (isinstance(rate, (int, float)) and math.isfinite(rate) and rate > 0):
        raise InputError("rate_limit must be a positive number of requests per second, got %r" % (rate,))
    retries = params.get("max_retries")
    if retries is not None and retries < 0:
        raise InputError("max_retries must be 0 or more, got %r" % (retries,))


def secret_values(params: Mapping[str, Any]) -> list[str]:
    """Every secret value in the params, for redaction and Ansible's no_log list."""
    values = []
    for platform, options in CREDENTIALS.items():
        given = params.get(platform) or {}
        values.extend(given.get(option[0]) for option in options if option[2] and given.get(option[0]))
    return values
