# -*- coding: utf-8 -*-
# Copyright: (c) 2026, wanfleet.routers contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The fleet inventory's cache entry: its format, and the check of every record read back from it."""

from __future__ import annotations

import hashlib
import json
from typing import Any, Optional

from ansible.module_utils.common.text.converters import to_native

from ansible_collections.wanfleet.routers.plugins.module_utils.connection import CREDENTIALS
from ansible_collections.wanfleet.routers.plugins.module_utils.models import INCLUDES, Device
from ansible_collections.wanfleet.routers.plugins.plugin_utils.inventory_listing import DETAIL_FIELDS, RECORD_FIELDS

CACHE_FORMAT = 1


def fingerprint(sources: list) -> str:
    """A digest of what decides the listing of these sources (never a secret): part of the cache key."""
    identity = []
    for source in sources:
        platform = source["platform"]
        account = dict((option, source[platform].get(option)) for option, _env, secret in CREDENTIALS[platform] if not secret)
        identity.append([platform, source["name"], account, source["filters"], source["detail"]] + ([source["include"]] if source.get("include") else []))
    return hashlib.sha256(json.dumps(identity, sort_keys=True, default=str).encode("utf-8")).hexdigest()[:12]


def cached_records(cached: Any, sources: list) -> tuple[Optional[list], Optional[str]]:
    """(records, None) when a cache entry holds a usable listing of these sources, else (None, why not).

    The cache file is data that anyone who can write it may have edited: every record is checked as an API record
    is (the Device model, and nothing may change on the way through it), and comes back as plain JSON data, without
    the tags (such as TrustedAsTemplate) that ansible-core's cache plugins restore.
    """
    if cached is None:
        return None, "no entry"
    try:
        data = json.loads(json.dumps(cached))
    except (TypeError, ValueError) as error:
        return None, "not plain JSON data (%s)" % to_native(error)
    if not isinstance(data, dict) or data.get("format") != CACHE_FORMAT or not isinstance(data.get("records"), list):
        return None, "not a listing in this plugin's format"
    configured = dict((source["name"], source) for source in sources)
    for index, record in enumerate(data["records"]):
        problem = _record_problem(record, configured)
        if problem:
            return None, "record %d %s" % (index, problem)
    return data["records"], None


def _record_problem(record: Any, configured: dict) -> Optional[str]:
    """Why a cached record is not one this plugin would have written for the configured sources, or None."""
    if not isinstance(record, dict):
        return "is not a dictionary"
    source = configured.get(record.get("source")) if isinstance(record.get("source"), str) else None
    if source is None:
        return "names no configured source"
    fields = RECORD_FIELDS + DETAIL_FIELDS if source["detail"] else RECORD_FIELDS
    included = tuple(key for key in INCLUDES if key in (source.get("include") or ()))
    if set(record) != set(fields) | {"source"} | set(included):
        return "does not have exactly the keys of a device record"
    if record["platform"] != source["platform"]:
        return "has another platform than its source"
    problem = _included_problem(record, included)
    if problem:
        return problem
    try:
        checked = Device.model_validate(dict((key, value) for key, value in record.items() if key not in included)).record()
    except (TypeError, ValueError) as error:  # pydantic's ValidationError is a ValueError
        return "is not a device record (%s)" % to_native(error).splitlines()[0]
    changed = [field for field in fields if checked[field] != record[field] or type(checked[field]) is not type(record[field])]
    if changed:
        return "has values an API record cannot have (%s)" % ", ".join(changed)
    return None


def _included_problem(record: dict, included: tuple) -> Optional[str]:
    """Why the `include` values of a cached record (cellular, location) are not ones this plugin writes, or None."""
    if "cellular" in included:
        modems = record["cellular"]
        if not isinstance(modems, list) or not all(isinstance(modem, dict) and isinstance(modem.get("wan_id"), str) for modem in modems):
            return "has a cellular value that is not a list of modems with their wan_id"
    if "location" in included and record["location"] is not None and not isinstance(record["location"], dict):
        return "has a location that is neither a dictionary nor null"
    return None
