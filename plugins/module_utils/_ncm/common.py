# -*- coding: utf-8 -*-
# Copyright: (c) 2026, wanfleet.routers contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Small helpers the NCM client and resources share: queries, numbers, error details, input errors."""

from __future__ import annotations

import datetime
import re

from ansible_collections.wanfleet.routers.plugins.module_utils.errors import MASK, InputError
from ansible_collections.wanfleet.routers.plugins.module_utils.models import id_from_url, normalize_mac


# A config key under which NCM would echo a secret in a validation error's `value`.
_SECRET_CONFIG_KEY = re.compile(r"(psk|pass(word|wd|phrase)?|secret|key)$", re.IGNORECASE)
_HTML_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)


def _as_bool(value):
    if isinstance(value, bool) or value is None:
        return value
    text = str(value).strip().lower()
    return True if text in ("true", "1", "yes", "on") else False if text in ("false", "0", "no", "off") else None


def _ref_id(value):
    """The id of a reference: a URL, a bare id, or an expanded object."""
    if isinstance(value, dict):
        value = value.get("id") or value.get("resource_url")
    return id_from_url(value)


def _filter_value(value):
    """A filter value as NCM wants it: URL fields are filtered by their integer id (NCM API v2 docs, the URL data type)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict) or (isinstance(value, str) and value.startswith(("http://", "https://"))):
        return _ref_id(value)
    return str(value)


def _query(params):
    """Query parameters: lists become the comma form of `__in` filters (NCM API v2 docs, Q&A: Filtering)."""
    query = {}
    for key, value in (params or {}).items():
        if value is None:
            continue
        if isinstance(value, (set, frozenset)):
            value = sorted(value, key=str)
        if isinstance(value, (list, tuple)):
            value = ",".join(_filter_value(item) for item in value)
        else:
            value = _filter_value(value)
        query[key] = value
    return query


def _csv(fields):
    return fields if isinstance(fields, str) else ",".join(fields)


def _as_list(value):
    return list(value) if isinstance(value, (list, tuple, set, frozenset)) else [value]


def _safe_mac(value):
    try:
        return normalize_mac(value)
    except ValueError:
        return None


def _html_title(text):
    """A readable line for an HTML error page (a proxy's 524, say) instead of the whole page."""
    stripped = text.lstrip()
    if not stripped.startswith("<"):
        return None
    match = _HTML_TITLE.search(stripped)
    title = " ".join(match.group(1).split()) if match else ""
    return "an HTML page%s instead of the API's JSON" % (" (%s)" % title if title else "")


def _error_details(errors):
    """The `errors` list of an NCM error body as text; request context (path, method) left out."""
    details = []
    for entry in errors if isinstance(errors, list) else []:
        if not isinstance(entry, dict):
            details.append(str(entry))
            continue
        config = entry.get("configuration")
        if isinstance(config, dict):
            # The config validation error (NCM API v2 docs, configuration appendix: the invalid config answer). `message` echoes the value ("cannot set
            # wpapsk to ..."), so the path and the reason are shown, never the value.
            path = config.get("path")
            where = ".".join(str(key) for key in path) if isinstance(path, list) else str(path or "?")
            details.append("configuration %s: %s" % (where, config.get("reason") or config.get("message") or "invalid"))
            continue
        for key, value in entry.items():
            if key not in ("path", "method"):
                details.append("%s: %s" % (key, value))
    return "; ".join(details)


def _mask_config_values(body):
    """Mask the `value` of a config validation error (and its echo in `message`) when its path ends in a secret key."""
    for entry in body.get("errors") or [] if isinstance(body, dict) else []:
        config = entry.get("configuration") if isinstance(entry, dict) else None
        path = config.get("path") if isinstance(config, dict) else None
        value = config.get("value") if isinstance(config, dict) else None
        if isinstance(path, list) and path and _SECRET_CONFIG_KEY.search(str(path[-1])) and value not in (None, ""):
            config["value"] = MASK
            if isinstance(config.get("message"), str):
                config["message"] = config["message"].replace(str(value), MASK)


def _priority(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _number(value):
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _epoch(text):
    """An NCM timestamp (ISO 8601, "+00:00" or "%2B00:00") as epoch seconds, or None."""
    if not text:
        return None
    text = str(text).replace("%2B", "+").replace("%2b", "+").replace("Z", "+00:00")
    try:
        moment = datetime.datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.timezone.utc)
    return moment.timestamp()


# ---- modules: the Resources of group, ssid_profile, wan_priority and alert_rule -----------------------

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+\Z")
_ALERT_TYPE = re.compile(r"^[a-z0-9_]+\Z")
_SLOT = re.compile(r"^\s*(\d+)\s*\.\s*(\d+)\s*\Z")
# documented (NCM API v2 docs, alert_rules endpoint): these alert types need `settings` for an existing data plan.
PDP_ALERT_TYPES = ("pdp_router_overage", "pdp_account_overage")


def _input(module, message, cls=InputError):
    """An input error naming the platform and the module."""
    return cls("ncm: %s: %s" % (module, message), platform="ncm")


def _id_order(value):
    text = str(value)
    return (0, int(text), text) if text.isdigit() else (1, 0, text)


def _listing(items, limit=20):
    """A readable, bounded list of choices for an error message."""
    items = list(items)
    shown = ", ".join(str(item) for item in items[:limit])
    return shown + (", ... (%d in all)" % len(items) if len(items) > limit else "") if items else "none"


def _priority_value(value):
    """A WAN rule's float priority as the module shows it: an int when it is one."""
    number = _number(value)
    if number is None:
        return None
    return int(number) if number == int(number) else number
