# -*- coding: utf-8 -*-
# Copyright: (c) 2026, wanfleet.routers contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The fleet inventory's host and group names: what makes a valid, unambiguous name, and what a clash becomes."""

from __future__ import annotations

import re
from typing import Any, Callable, Collection, Iterator, Optional

from ansible.errors import AnsibleError, AnsibleParserError
from ansible.module_utils.common.text.converters import to_native

PREFIX = "wanfleet_"
HOSTNAME_FIELDS = ("name", "serial", "mac", "id")
_UNSAFE = re.compile(r"[^A-Za-z0-9_]")
# How many clashing host names the warning (or the error) shows; -vv lists every rename.
SHOWN_CLASHES = 5
# Host names keep letters (any script), digits, "_", "." and "-": no whitespace, no newline, and none of the host
# pattern characters (",", ":", "!", "&", "~", "*", "?", "[", "]", "@"...), which --limit, a .retry file and AWX's
# relaunch would read as separators or operators.
_HOST_UNSAFE = re.compile(r"[^\w.-]")
_HAS_ALNUM = re.compile(r"[^\W_]")
# Names ansible-core gives meaning to: the implicit groups and the implicit localhost.
RESERVED_NAMES = frozenset(("all", "ungrouped", "localhost", "127.0.0.1", "::1"))


def group_name(*parts: Any) -> str:
    """A valid Ansible group name from free text (vendor group names have spaces, dashes...)."""
    return _UNSAFE.sub("_", "_".join(str(part) for part in parts)).lower()


def host_name(value: Any) -> Optional[str]:
    """value as a host name that no host pattern splits, or None when nothing usable is left of it."""
    if value in (None, ""):
        return None
    name = _HOST_UNSAFE.sub("_", to_native(value))
    if name.startswith("-"):  # would read as an option where a host name is passed on a command line
        name = "_" + name[1:]
    return name if _HAS_ALNUM.search(name) else None


def own_groups(records: list, display: Any) -> list:
    """[group names of each record], made so that distinct vendor values stay distinct groups (one warning)."""
    names, owners, clashes, memberships = {}, {}, [], []
    for record in records:
        mine = []
        for kind, value, tiebreak in _memberships(record):
            if (kind, value) not in names:
                base = group_name(PREFIX + kind, value) if kind else group_name(PREFIX + value)
                name, number = base, 1
                while name in owners:  # another vendor value gave the same name: tell them apart
                    number += 1
                    name = group_name(base, tiebreak) if number == 2 and tiebreak else "%s_%d" % (base, number)
                if name != base:
                    clashes.append("%r is %s (%s is %r)" % (value, name, base, owners[base]))
                names[(kind, value)] = name
                owners[name] = value
            mine.append(names[(kind, value)])
        memberships.append(mine)
    if clashes:
        display.warning(
            "wanfleet.routers.fleet: %d vendor group or model name(s) gave a group name another one "
            "already had and got a suffix: %s" % (len(clashes), "; ".join(clashes[:SHOWN_CLASHES]))
        )
    return memberships


def hostnames(records: list, preference: Optional[list], duplicate_hostnames: str, display: Any, taken: Collection[str] = frozenset()) -> list:
    """[(host name, record)] by the `hostnames` preference, with `duplicate_hostnames` applied (one warning, or one
    error listing the clashes).

    `taken` are names this run must not write onto: hosts and groups that were there before, the plugin's own
    groups and the names ansible-core reserves.
    """
    preference = preference or list(HOSTNAME_FIELDS)
    unknown = [field for field in preference if field not in HOSTNAME_FIELDS]
    if unknown:
        raise AnsibleParserError("wanfleet.routers.fleet: hostnames: %s is not one of %s" % (", ".join(map(str, unknown)), ", ".join(HOSTNAME_FIELDS)))
    owners, named, clashes = {}, [], []
    for record in records:
        candidates = [host_name(record.get(field)) for field in preference]
        hostname = next((name for name in candidates if name), None) or host_name("%s_%s" % (record["platform"], record["id"]))
        if hostname in owners or hostname in taken:
            unique = _unique(hostname, record, lambda name: name in owners or name in taken)
            clashes.append((hostname, owners.get(hostname), record, unique))
            hostname = unique
        owners[hostname] = record
        named.append((hostname, record))
    if clashes:

        def describe(clash):
            hostname, owner, record, unique = clash
            other = (
                "%s %s" % (owner["platform"], owner["id"])
                if owner
                else ("a name Ansible reserves" if hostname in RESERVED_NAMES else "a host or group not made by this source")
            )
            return "%s (%s %s, also %s)" % (hostname, record["platform"], record["id"], other)

        shown = ", ".join(describe(clash) for clash in clashes[:SHOWN_CLASHES])
        more = " and %d more" % (len(clashes) - SHOWN_CLASHES) if len(clashes) > SHOWN_CLASHES else ""
        if duplicate_hostnames == "error":
            raise AnsibleError(
                "wanfleet.routers.fleet: %d device(s) would get a host name that is taken: %s%s; "
                "choose other hostnames (e.g. [serial, name]) or set duplicate_hostnames: suffix" % (len(clashes), shown, more)
            )
        display.warning(
            "wanfleet.routers.fleet: %d device(s) got a host name that was taken and were "
            "added as <name>_<id>: %s%s (-vv lists every rename)"
            % (len(clashes), ", ".join("%s -> %s" % (clash[0], clash[3]) for clash in clashes[:SHOWN_CLASHES]), more)
        )
        for clash in clashes:
            display.vv("wanfleet.routers.fleet: %s is %s: %s" % (describe(clash), clash[3], clash[0]))
    return named


def _unique(hostname: str, record: dict, taken: Callable[[str], bool]) -> str:
    """The first free one of <name>_<id>, <name>_<platform>_<id>, <name>_<platform>_<id>_2, ..."""
    candidates = ["%s_%s" % (hostname, record["id"]), "%s_%s_%s" % (hostname, record["platform"], record["id"])]
    number = 1
    while True:
        for candidate in candidates:
            name = host_name(candidate)
            if not taken(name):
                return name
        number += 1
        candidates = ["%s_%s_%s_%d" % (hostname, record["platform"], record["id"], number)]


def _memberships(record: dict) -> Iterator[tuple]:
    """(kind, vendor value, tie-breaker) of each of the plugin's groups a device is in."""
    yield None, record["platform"], None
    yield None, record.get("status") or "unknown", None
    if record.get("group"):
        yield "group", record["group"], record.get("group_id")
    if record.get("model"):
        yield "model", record["model"], None
