# -*- coding: utf-8 -*-
# Copyright: (c) 2026, wanfleet.routers contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: fleet
short_description: Every router of InControl 2, NetCloud Manager and TelecomX as inventory hosts
version_added: 0.1.0
description:
  - Reads devices from one or more sources, each a platform with its credentials and server-side filters,
    and adds them as hosts with their C(device_info) record under C(wanfleet_) host variables.
  - Hosts get C(ansible_connection=local), so playbooks can target them and call this collection's modules
    with O(wanfleet.routers.device_info#module:device=\{\{ wanfleet_id \}\}).
  - Groups are made per platform (C(wanfleet_ncm)), per vendor group (C(wanfleet_group_<name>)), per model
    (C(wanfleet_model_<model>)) and per online status (C(wanfleet_online), C(wanfleet_offline), C(wanfleet_unknown)).
  - A page that still fails after retries fails the whole inventory; a partial list is never returned.
  - Files must be named C(*.wanfleet.yml), C(*.wanfleet.yaml) or C(wanfleet.yml).
extends_documentation_fragment:
  - ansible.builtin.constructed
  - ansible.builtin.inventory_cache
options:
  plugin:
    description: Marks this file as one for this plugin.
    type: str
    required: true
    choices: [wanfleet.routers.fleet]
  sources:
    description:
      - Where the devices come from. Each item has O(sources[].platform), that platform's credential dictionary
        (the same keys and environment variables as the modules' connection options, for example C(ncm) with
        C(cp_api_id)), optional transport options (C(validate_certs), C(ca_path), C(timeout), C(max_retries),
        C(token_cache)) and O(sources[].filters).
      - A credential left out is read from its environment variable (for example E(X_ECM_API_KEY)), which is how
        AWX credential types inject them.
    type: list
    elements: dict
    required: true
    suboptions:
      platform:
        description: The platform of this source. V(peplink_router) is not an inventory source; use V(incontrol).
        type: str
        required: true
        choices: [incontrol, ncm, telecomx]
      name:
        description: A label for messages and for the C(wanfleet_source) host variable. Defaults to the platform.
        type: str
      filters:
        description:
          - Which devices to list. Sent to the API where it can filter (NCM router fields such as C(state),
            C(group), C(product), C(name); InControl C(group)), applied to the listing otherwise (C(status), C(model)).
        type: dict
        default: {}
  hostnames:
    description:
      - The host name of a device is the first of these fields that has a value.
    type: list
    elements: str
    default: [name, serial, mac, id]
    choices: [name, serial, mac, id]
  duplicate_hostnames:
    description:
      - What to do when two devices get the same host name.
      - V(suffix) adds the device id (C(name_<id>)) to the later ones and warns; V(error) fails the inventory.
    type: str
    default: suffix
    choices: [suffix, error]
  strict_permissions:
    description:
      - When a source answers 403 (the credential may not list devices), V(true) fails the inventory and
        V(false) warns and leaves that source out. Any other error always fails the inventory.
    type: bool
    default: true
  concurrency:
    description: How many sources are read at once (pages within a source are read in order).
    type: int
    default: 4
notes:
  - Credentials are never cached; with O(cache=true) only the device records are.
requirements:
  - httpx >= 0.27
  - pydantic >= 2.6
"""

EXAMPLES = r"""
# ncm.wanfleet.yml: every online NCM router of two groups, credentials from the environment
plugin: wanfleet.routers.fleet
sources:
  - platform: ncm
    filters:
      state: online
      group: Stores

# fleet.wanfleet.yml: several platforms, hostnames by serial, cached for an hour
plugin: wanfleet.routers.fleet
sources:
  - platform: incontrol
    incontrol:
      organization: Main
  - platform: ncm
  - platform: telecomx
    telecomx:
      customer: "5f1c0c9d2a4e1b0012345678"
hostnames: [serial, name]
duplicate_hostnames: error
keyed_groups:
  - key: wanfleet_firmware
    prefix: firmware
compose:
  needs_upgrade: wanfleet_firmware is version('8.3.0', '<')
cache: true
cache_plugin: ansible.builtin.jsonfile
cache_connection: ~/.cache/wanfleet-inventory
cache_timeout: 3600
"""

import re
from concurrent.futures import ThreadPoolExecutor

from ansible.errors import AnsibleError, AnsibleParserError
from ansible.module_utils.common.text.converters import to_native
from ansible.plugins.inventory import BaseInventoryPlugin, Cacheable, Constructable

from ansible_collections.wanfleet.routers.plugins.module_utils.clients import open_client
from ansible_collections.wanfleet.routers.plugins.module_utils.connection import resolve_source
from ansible_collections.wanfleet.routers.plugins.module_utils.errors import PermissionDeniedError, WanfleetError
from ansible_collections.wanfleet.routers.plugins.module_utils.http import HAS_HTTPX, HttpSession
from ansible_collections.wanfleet.routers.plugins.module_utils.models import HAS_PYDANTIC

INVENTORY_PLATFORMS = ("incontrol", "ncm", "telecomx")
FILE_NAME = re.compile(r"(^|[/\\.])wanfleet\.ya?ml$")
_UNSAFE = re.compile(r"[^A-Za-z0-9_]")


def group_name(*parts):
    """A valid Ansible group name from free text (vendor group names have spaces, dashes...)."""
    return _UNSAFE.sub("_", "_".join(str(part) for part in parts)).lower()


class InventoryModule(BaseInventoryPlugin, Constructable, Cacheable):
    NAME = "wanfleet.routers.fleet"

    def verify_file(self, path):
        if not super(InventoryModule, self).verify_file(path):
            return False
        if FILE_NAME.search(path):
            return True
        self.display.vvv("wanfleet.routers.fleet skips %s: the file name must end in .wanfleet.yml, "
                         ".wanfleet.yaml or be wanfleet.yml" % path)
        return False

    def parse(self, inventory, loader, path, cache=True):
        super(InventoryModule, self).parse(inventory, loader, path, cache)
        self._read_config_data(path)
        if not HAS_HTTPX or not HAS_PYDANTIC:
            raise AnsibleError("wanfleet.routers.fleet needs the Python libraries httpx and pydantic on the controller")
        cache_key = self.get_cache_key(path)
        use_cache = self.get_option("cache") and cache
        update_cache = self.get_option("cache") and not cache
        records = None
        if use_cache:
            try:
                records = self._cache[cache_key]
            except KeyError:
                update_cache = True
        if records is None:
            records = self.fetch(self.sources())
        if update_cache:
            self._cache[cache_key] = records
        self.populate(records)

    def sources(self):
        """The configured sources, checked and completed from the environment, before any request."""
        sources = []
        for index, given in enumerate(self.get_option("sources") or []):
            if not isinstance(given, dict):
                raise AnsibleParserError("sources[%d] must be a dictionary" % index)
            if given.get("platform") not in INVENTORY_PLATFORMS:
                raise AnsibleParserError("sources[%d].platform must be one of %s, got %r"
                                         % (index, ", ".join(INVENTORY_PLATFORMS), given.get("platform")))
            settings = dict((key, value) for key, value in given.items() if key not in ("name", "filters"))
            try:
                resolved = resolve_source(settings)
            except WanfleetError as error:
                raise AnsibleParserError("sources[%d]: %s" % (index, error.message))
            resolved["name"] = given.get("name") or given["platform"]
            resolved["filters"] = dict(given.get("filters") or {})
            sources.append(resolved)
        if not sources:
            raise AnsibleParserError("wanfleet.routers.fleet: sources is empty")
        return sources

    def fetch(self, sources):
        """Device records of every source; sources read concurrently over one pooled HTTP client."""
        timeout = max(source.get("timeout") or 30.0 for source in sources)
        # One pooled session per distinct TLS setting, made before the threads start.
        sessions = {}
        for source in sources:
            tls = (source.get("validate_certs") is not False, source.get("ca_path"))
            if tls not in sessions:
                sessions[tls] = HttpSession(timeout=timeout, validate_certs=tls[0], ca_path=tls[1])
        try:
            def read(source):
                return self._read_source(source, sessions[(source.get("validate_certs") is not False, source.get("ca_path"))])

            workers = max(1, min(int(self.get_option("concurrency") or 1), len(sources)))
            with ThreadPoolExecutor(max_workers=workers) as pool:
                per_source = list(pool.map(read, sources))  # re-raises a source's error
        finally:
            for session in sessions.values():
                session.close()
        return [record for records in per_source for record in records]

    def _read_source(self, source, session):
        try:
            with open_client(source, session=session) as client:
                devices = client.devices(filters=source["filters"], detail=False)
                return [dict(device.record(), source=source["name"]) for device in devices]
        except PermissionDeniedError as error:
            if self.get_option("strict_permissions"):
                raise AnsibleError("wanfleet.routers.fleet: source %s: %s" % (source["name"], error.message))
            self.display.warning("wanfleet.routers.fleet: source %s is left out: %s (strict_permissions is false)"
                                 % (source["name"], error.message))
            return []
        except WanfleetError as error:
            raise AnsibleError("wanfleet.routers.fleet: source %s: %s" % (source["name"], error.message))

    def populate(self, records):
        names = {}
        strict = self.get_option("strict")
        for record in records:
            hostname = self._hostname(record, names)
            self.inventory.add_host(hostname)
            hostvars = dict(("wanfleet_%s" % key, value) for key, value in record.items())
            hostvars["ansible_connection"] = "local"
            for key, value in hostvars.items():
                self.inventory.set_variable(hostname, key, value)
            for group in self._groups_of(record):
                self.inventory.add_group(group)
                self.inventory.add_child(group, hostname)
            self._set_composite_vars(self.get_option("compose"), hostvars, hostname, strict=strict)
            self._add_host_to_composed_groups(self.get_option("groups"), hostvars, hostname, strict=strict)
            self._add_host_to_keyed_groups(self.get_option("keyed_groups"), hostvars, hostname, strict=strict)

    def _hostname(self, record, names):
        for field in self.get_option("hostnames"):
            if record.get(field):
                hostname = to_native(record[field])
                break
        else:
            hostname = "%s_%s" % (record["platform"], record["id"])
        owner = names.get(hostname)
        if owner is not None and owner != (record["platform"], record["id"]):
            if self.get_option("duplicate_hostnames") == "error":
                raise AnsibleError("wanfleet.routers.fleet: host name %s is used by %s %s and %s %s; choose other "
                                   "hostnames or set duplicate_hostnames: suffix"
                                   % (hostname, owner[0], owner[1], record["platform"], record["id"]))
            unique = "%s_%s" % (hostname, record["id"])
            self.display.warning("wanfleet.routers.fleet: host name %s is taken by %s %s; %s %s is added as %s"
                                 % (hostname, owner[0], owner[1], record["platform"], record["id"], unique))
            hostname = unique
        names[hostname] = (record["platform"], record["id"])
        return hostname

    @staticmethod
    def _groups_of(record):
        groups = ["wanfleet_%s" % record["platform"], "wanfleet_%s" % (record.get("status") or "unknown")]
        if record.get("group"):
            groups.append(group_name("wanfleet_group", record["group"]))
        if record.get("model"):
            groups.append(group_name("wanfleet_model", record["model"]))
        return groups
