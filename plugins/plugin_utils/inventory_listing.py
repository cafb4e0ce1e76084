# -*- coding: utf-8 -*-
# Copyright: (c) 2026, wanfleet.routers contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The fleet inventory's listing of one source: its devices as inventory records, and the warnings to show."""

from __future__ import annotations

from typing import Any, Callable, Optional

from ansible_collections.wanfleet.routers.plugins.module_utils.clients import open_client
from ansible_collections.wanfleet.routers.plugins.module_utils.errors import PermissionDeniedError, WanfleetError

# The device_info module's record without `raw`; `wan` and `ssids` only with detail.
RECORD_FIELDS = ("platform", "id", "name", "serial", "mac", "model", "firmware", "status", "group", "group_id")
DETAIL_FIELDS = ("wan", "ssids")


class SourceFailure(Exception):
    """A source that could not be listed; the message names the source."""


def read_source(source: dict, session: Any, strict_permissions: bool, opener: Callable = open_client) -> tuple[Optional[list], list]:
    """(records, warnings) of one source, records None when it is left out; raises SourceFailure.

    Runs in a worker thread: no display here. `opener` is open_client, or what the plugin was given instead.
    """
    name, platform, detail, include = source["name"], source["platform"], source["detail"], source.get("include") or ()
    # Client messages start with the platform ("ncm: GET /routers/ ..."); name the source when that is not enough.
    label = "" if name == platform else "source %s: " % name
    try:
        with opener(source, session=session) as client:
            # TelecomX: the condensed listing has no serial number; the full one costs no extra request.
            # InControl's modems are in the device list with status (what detail reads). NCM reads the
            # includes page by page along with the routers (the others need no request for them).
            devices = client.devices(
                filters=source["filters"],
                detail=detail or platform == "telecomx" or (platform == "incontrol" and "cellular" in include),
                **({"include": include} if platform == "ncm" else {}),
            )
            cellular = client.cellular(devices) if "cellular" in include else None
            locations = client.locations(devices) if "location" in include else None
            retries = list(getattr(client, "retries", []))
    except PermissionDeniedError as error:
        if strict_permissions:
            raise SourceFailure("%s%s (set strict_permissions: false to leave a refused source out)" % (label, error.message))
        return None, ["wanfleet.routers.fleet: source %s is left out (strict_permissions is false): %s" % (name, error.message)]
    except WanfleetError as error:
        raise SourceFailure(label + error.message)
    fields = RECORD_FIELDS + DETAIL_FIELDS if detail else RECORD_FIELDS
    records = []
    for device in devices:
        data = device.record()
        record = dict((field, data.get(field)) for field in fields)
        record["source"] = name
        if cellular is not None:
            record["cellular"] = [dict(modem, wan_id=wan_id) for wan_id, modem in sorted((cellular.get(device.id) or {}).items())]
        if locations is not None:
            record["location"] = locations.get(device.id)
        records.append(record)
    records.sort(key=_id_order)
    warnings = []
    if retries:
        reasons = {}
        for _method, _url, reason, _delay in retries:
            reasons[str(reason)] = reasons.get(str(reason), 0) + 1
        warnings.append(
            "wanfleet.routers.fleet: source %s: %d request(s) were retried (%s); the listing is complete"
            % (name, len(retries), ", ".join("%s x%d" % item for item in sorted(reasons.items())))
        )
    return records, warnings


def _id_order(record: dict) -> tuple:
    """Sort key: numeric ids in numeric order, others (TelecomX object ids) as text."""
    value = str(record.get("id") or "")
    return (len(value), value) if value.isdigit() else (float("inf"), value)


def merged(listings: list, display: Any) -> tuple[list, bool]:
    """(records of every listing in order, each device once; whether no source was left out) from the
    (records, warnings) of each source, whose warnings are shown here."""
    records, seen, complete = [], set(), True
    for source_records, warnings in listings:
        for warning in warnings:
            display.warning(warning)
        if source_records is None:  # left out under strict_permissions: false
            complete = False
            continue
        for record in source_records:
            identity = (record["platform"], record["id"])
            if identity in seen:
                display.vv(
                    "wanfleet.routers.fleet: %s %s is listed again by source %s; kept from the first source"
                    % (record["platform"], record["id"], record["source"])
                )
                continue
            seen.add(identity)
            records.append(record)
    return records, complete
