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
    and adds every device as a host carrying its C(device_info) record under C(wanfleet_) host variables
    (C(wanfleet_platform), C(wanfleet_id), C(wanfleet_name), C(wanfleet_serial), C(wanfleet_mac), C(wanfleet_model),
    C(wanfleet_firmware), C(wanfleet_status), C(wanfleet_group), C(wanfleet_group_id)), plus C(wanfleet_source),
    the name of the source that listed it, and C(wanfleet_online), a boolean (C(true) when the status is C(online)),
    which C(ansible-inventory --export) prints as a plain C(true) for AWX's enabled variable.
  - With O(detail=true) (or O(sources[].detail=true)) the host variables also hold C(wanfleet_wan) and C(wanfleet_ssids),
    the lists C(device_info) returns. Without it these two variables are B(not defined) (rather than empty lists,
    which would say "no WAN"), because they are live state that costs extra requests on NCM (see O(detail)).
  - Hosts get C(ansible_connection=local) and C(ansible_python_interpreter={{ ansible_playbook_python }}),
    so a play can target them and call this collection's modules, which run on the controller with the Python that runs
    Ansible (the one with httpx and pydantic), for example with O(wanfleet.routers.device_info#module:device={{ wanfleet_id }}).
    Override either with O(compose). C(ansible_host) is not set, since the routers are reached through their cloud API.
  - 'Groups: per platform (C(wanfleet_incontrol), C(wanfleet_ncm), C(wanfleet_telecomx)), per vendor group
    (C(wanfleet_group_<name>); the same group name on two platforms gives one group, intersect it with the platform
    group to tell them apart), per model (C(wanfleet_model_<model>)) and per online status (C(wanfleet_online),
    C(wanfleet_offline), C(wanfleet_unknown)). Names are lower case with every character other than letters, digits
    and C(_) replaced by C(_). When two distinct vendor names give the same group name, the later one gets the vendor
    group id (or a number) appended, with a warning.'
  - Sources are read concurrently (O(concurrency)); each platform client pages as fast as its API allows (TelecomX
    pages in parallel once the total is known; InControl lists an organization in one request and keeps to its
    20 requests per second per organization; NCM asks for several pages of routers at a time, predicted from its
    C(next) links, which still decide where the listing ends; 8 at first, more while pages come back quickly,
    half after a 429 or a slow page, never more than 16), asks only for the fields the record needs, and resolves
    group, model and firmware names (and O(include) values) with listings of up to 100 ids that start while the
    router pages still come in, never with a request per device.
  - A page that fails after the client's retries (HTTP 429, 502, 503, 504 and, on NCM, 408, 500 and 524 are retried
    with backoff, honouring C(Retry-After)) fails the whole inventory with a message naming the source and the request.
    A partial list is never returned. Set C(ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED=true) (or
    C(ANSIBLE_INVENTORY_UNPARSED_FAILED=true) with a single source) so that C(ansible-playbook) stops instead of
    warning and going on without these hosts; AWX sets the latter.
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
      - Where the devices come from, in order. Each item is one platform account, with O(sources[].platform), that
        platform's credential dictionary (the same keys and environment variables as the modules' connection options),
        optional transport options and O(sources[].filters).
      - A credential left out (or empty) is read from its environment variable, which is how AWX credential types
        inject them (see C(docs/awx.md)). Environment values are used as they are, never templated.
      - Values written in this file may be Jinja templates, for example
        V({{ lookup('ansible.builtin.env', 'NCM_EU_CP_API_KEY') }}) for a second account of the same platform, or
        vault-encrypted strings. Extra variables (C(-e)) are available to these templates.
      - A device that two sources list (same platform and id) is added once, from the first source.
    type: list
    elements: dict
    required: true
    suboptions:
      platform:
        description:
          - The platform of this source. V(peplink_router) is not an inventory source (it is one router); list Peplink
            routers through V(incontrol).
        type: str
        required: true
        choices: [incontrol, ncm, telecomx]
      name:
        description:
          - A label for messages and for the C(wanfleet_source) host variable, and a way to tell two sources of one
            platform apart. Defaults to the platform.
        type: str
      filters:
        description:
          - Which devices to list, with the keys C(wanfleet.routers.device_info) takes in its C(filters).
          - They match the same way on every platform (see C(wanfleet.routers.device_info)). C(name), C(model) and
            C(serial) take shell patterns, the other keys exact values.
          - V(ncm) sends router filters to the API (C(state), C(group) by id or name, C(name), C(serial_number),
            C(mac), C(account), C(device_type), C(id), C(ipv4_address), C(reboot_required), the C(__in), C(__lt),
            C(__gt) forms; a list value becomes C(__in)); C(product)/C(model), and a shell pattern, are matched on the listing.
          - V(incontrol) lists one group server-side with C(group) (id or name) and applies C(name), C(model)
            (shell patterns), C(status) and C(tags) to the listing (InControl documents no filter parameters).
          - V(telecomx) sends C(customer) to the API and applies C(name), C(model), C(serial) (shell patterns),
            C(status), C(state) and C(mac) to the listing.
          - An unknown key fails the inventory rather than silently listing everything.
        type: dict
        default: {}
      detail:
        description:
          - Overrides O(detail) for this source.
        type: bool
      include:
        description:
          - Overrides O(include) for this source.
        type: list
        elements: str
        choices: [cellular, location]
      incontrol:
        description: Credentials when O(sources[].platform=incontrol).
        type: dict
        suboptions:
          url:
            description: Base URL (default V(https://api.ic.peplink.com)). Environment variable E(INCONTROL_URL).
            type: str
          client_id:
            description: OAuth2 client id. Environment variable E(INCONTROL_CLIENT_ID).
            type: str
          client_secret:
            description: OAuth2 client secret. Environment variable E(INCONTROL_CLIENT_SECRET).
            type: str
          organization:
            description:
              - Organization id or name; may be left out when the client sees one organization.
                Environment variable E(INCONTROL_ORG).
            type: str
      ncm:
        description: Credentials when O(sources[].platform=ncm).
        type: dict
        suboptions:
          url:
            description: API base URL (default V(https://www.cradlepointecm.com/api/v2)). Environment variable E(CP_BASE_URL).
            type: str
          cp_api_id:
            description: C(X-CP-API-ID). Environment variable E(X_CP_API_ID).
            type: str
          cp_api_key:
            description: C(X-CP-API-KEY). Environment variable E(X_CP_API_KEY).
            type: str
          ecm_api_id:
            description: C(X-ECM-API-ID). Environment variable E(X_ECM_API_ID).
            type: str
          ecm_api_key:
            description: C(X-ECM-API-KEY). Environment variable E(X_ECM_API_KEY).
            type: str
      telecomx:
        description:
          - Credentials when O(sources[].platform=telecomx), C(username) and C(password) or C(token).
        type: dict
        suboptions:
          url:
            description: API base URL (default V(https://api.telecomx.dk)). Environment variable E(TELECOMX_URL).
            type: str
          username:
            description: Login e-mail address. Environment variable E(TELECOMX_USERNAME).
            type: str
          password:
            description: Password. Environment variable E(TELECOMX_PASSWORD).
            type: str
          token:
            description: An access token instead of C(username) and C(password). Environment variable E(TELECOMX_TOKEN).
            type: str
          customer:
            description: The customer whose devices are listed (default the account's own). Environment variable E(TELECOMX_CUSTOMER).
            type: str
      validate_certs:
        description: Verify the API's TLS certificate. Environment variable E(WANFLEET_VALIDATE_CERTS).
        type: bool
        default: true
      ca_path:
        description: A CA bundle to verify the API's certificate with. Environment variable E(WANFLEET_CA_PATH).
        type: path
      timeout:
        description: Seconds to wait for an answer. Environment variable E(WANFLEET_TIMEOUT).
        type: float
        default: 30
      max_retries:
        description:
          - How often a request that failed with a retryable status or a transport error is retried, with backoff.
            Environment variable E(WANFLEET_MAX_RETRIES).
        type: int
        default: 5
      token_cache:
        description:
          - Reuse access tokens (InControl, TelecomX) across the runs and tasks that share a cache directory, and
            share InControl's per-organization rate limit with them. Environment variable E(WANFLEET_TOKEN_CACHE).
        type: bool
        default: true
      rate_limit:
        description:
          - Requests per second this source may send (at most the documented limit). Without it the rate follows the
            platform's HTTP 429 answers, as for the modules. Environment variable E(WANFLEET_RATE_LIMIT).
        type: float
  detail:
    description:
      - Also read each device's WAN connections and SSIDs into C(wanfleet_wan) and C(wanfleet_ssids).
      - What it costs, per platform. V(incontrol) - none in requests (the organization's device list with status,
        one request), a larger answer. V(telecomx) - none (the full listing is read anyway, for the serial number).
        V(ncm) - two more listings per 100 routers (C(net_devices) and C(configuration_managers)), so 200 more
        requests for 10,000 routers.
      - 'The default is V(false): the inventory is about which devices exist, where they are and whether they are up;
        WAN and SSID state changes by the minute, goes stale in a cached inventory, and is what
        C(wanfleet.routers.device_info) reads live when a play needs it.'
    type: bool
    default: false
  include:
    description:
      - Extra host variables. V(cellular) sets C(wanfleet_cellular), one item per cellular modem (C(wan_id), carrier,
        technology, band, C(rsrp), C(rsrq), C(sinr), C(rssi), C(signal_bar), C(imei), C(iccid), C(imsi), C(apn),
        C(roaming); null where the platform has no such field), so O(keyed_groups) can group by carrier and O(compose)
        can compute a signal class. V(location) sets C(wanfleet_location) (C(latitude), C(longitude), C(accuracy_m),
        C(method), C(updated_at)), null when unknown.
      - What it costs. V(incontrol) - none in requests (cellular needs the device list with status, as O(detail)).
        V(ncm) - cellular two more listings per 100 routers (C(net_devices), C(net_device_signal_samples)), location
        one (C(locations)). V(telecomx) - none; it documents neither (no modems, a null location).
      - Without it (the default) neither variable is defined and the listing costs what it did.
    type: list
    elements: str
    choices: [cellular, location]
    default: []
  hostnames:
    description:
      - The host name of a device is the first of these fields that has a value; a device with none of them is
        named C(<platform>_<id>).
      - Every character other than a letter, a digit, C(_), C(.) and C(-) becomes C(_), so no host name carries
        whitespace, a newline or a host pattern character (C(,) C(:) C(!) C(&) C([) ...); a value with no letter or
        digit left counts as no value.
    type: list
    elements: str
    default: [name, serial, mac, id]
    choices: [name, serial, mac, id]
  duplicate_hostnames:
    description:
      - What to do when devices get the same host name (router names are not unique on any of these platforms),
        or a name that is taken - a host or group already in the inventory (for example from a static inventory read
        before this file), one of the plugin's groups, or C(all), C(ungrouped), C(localhost), C(127.0.0.1), C(::1).
        The plugin never writes onto a host or group it did not create.
      - Devices are taken in the order of O(sources), and within a source by id, so the same device keeps the plain
        name from one run to the next whatever order the API answers in.
      - V(suffix) names the later devices C(<name>_<id>) and gives one warning with the count and examples
        (every rename at C(-vv)).
      - V(error) fails the inventory, listing the clashes.
    type: str
    default: suffix
    choices: [suffix, error]
  strict_permissions:
    description:
      - When a source is refused with HTTP 403 (the credential may not list devices there), V(true) fails the
        inventory and V(false) leaves that source out with a warning.
      - Any other error (authentication, a page that fails after retries, a malformed answer) always fails the
        inventory, whatever this says.
    type: bool
    default: true
  concurrency:
    description:
      - How many sources are read at the same time. Each source's client bounds its own parallel pages.
    type: int
    default: 4
notes:
  - Credentials are never cached. With O(cache=true) the device records are cached (before host names, groups and
    O(compose) are applied, so changing those needs no new listing); the cache key covers the sources, their
    non-secret credentials, filters and O(detail), so a changed source is listed anew. C(--flush-cache) and
    C(meta) C(refresh_inventory) list anew and rewrite the cache; O(cache_timeout) expires it.
  - The cache is read as untrusted data. Every cached record is checked as an API record is (the keys of a device
    record, values the record model passes unchanged) and read without the tags ansible-core may have stored with
    it; an entry that fails a check is a cache miss, listed anew and rewritten, with a warning. A listing that left
    a source out (O(strict_permissions=false)) is never cached.
  - Adding hosts is all or nothing - if it fails (for example a O(compose) expression under O(strict=true)), the
    hosts and groups added by this run are removed again.
  - 'C(ansible-inventory --list --export) (what AWX runs) holds the same host variables as C(--list), since the plugin
    sets no group variables. API values appear as C({"__ansible_unsafe": ...}) on ansible-core 2.19 and later, as
    they are never templated. Vendor objects (C(raw)) are never put into the inventory.'
  - For AWX (project inventory source, credential types, C(enabled_var)), see C(docs/awx.md) in the collection.
requirements:
  - httpx >= 0.27
  - pydantic >= 2.6
"""

EXAMPLES = r"""
# ncm.wanfleet.yml: every online NCM router of one group; credentials from X_CP_API_ID & co.
plugin: wanfleet.routers.fleet
sources:
  - platform: ncm
    filters:
      state: online
      group: Stores

---
# fleet.wanfleet.yml: three platforms, host names by serial number, cached for an hour
plugin: wanfleet.routers.fleet
sources:
  - platform: incontrol
    incontrol:
      organization: Main
    detail: true            # WAN and SSIDs cost InControl no extra request
  - platform: ncm
  - name: ncm_eu            # a second NCM account: its keys from other variables
    platform: ncm
    ncm:
      cp_api_id: "{{ lookup('ansible.builtin.env', 'NCM_EU_CP_API_ID') }}"
      cp_api_key: "{{ lookup('ansible.builtin.env', 'NCM_EU_CP_API_KEY') }}"
      ecm_api_id: "{{ lookup('ansible.builtin.env', 'NCM_EU_ECM_API_ID') }}"
      ecm_api_key: "{{ lookup('ansible.builtin.env', 'NCM_EU_ECM_API_KEY') }}"
  - platform: telecomx
    telecomx:
      customer: "5f1c0c9d2a4e1b0012345678"
hostnames: [serial, name]
duplicate_hostnames: error
keyed_groups:
  - key: wanfleet_source
    prefix: source
  - key: wanfleet_firmware | default('none', true)   # TelecomX has no firmware version
    prefix: firmware
compose:
  needs_upgrade: wanfleet_firmware is not none and wanfleet_firmware is version('8.3.0', '<')
cache: true
cache_plugin: ansible.builtin.jsonfile
cache_connection: ~/.cache/wanfleet-inventory
cache_timeout: 3600

---
# cellular.wanfleet.yml: NCM routers grouped by carrier, with a signal class from the first modem's RSRP
plugin: wanfleet.routers.fleet
sources:
  - platform: ncm
include: [cellular, location]
keyed_groups:
  - key: wanfleet_cellular | map(attribute='carrier') | list
    prefix: carrier
compose:
  signal_class: >-
    ('none' if not wanfleet_cellular or wanfleet_cellular[0].rsrp is none
     else 'good' if wanfleet_cellular[0].rsrp >= -90 else 'fair' if wanfleet_cellular[0].rsrp >= -105 else 'poor')
"""

import re
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait

from ansible.errors import AnsibleError, AnsibleParserError
from ansible.module_utils.common.text.converters import to_native
from ansible.plugins.inventory import BaseInventoryPlugin, Cacheable, Constructable

from ansible_collections.wanfleet.routers.plugins.module_utils.clients import open_client
from ansible_collections.wanfleet.routers.plugins.module_utils.connection import (
    CREDENTIALS,
    TRANSPORT,
    platform_settings,
    resolve_source,
    transport_value,
)
from ansible_collections.wanfleet.routers.plugins.module_utils.errors import WanfleetError
from ansible_collections.wanfleet.routers.plugins.module_utils.http import HAS_HTTPX, HttpSession
from ansible_collections.wanfleet.routers.plugins.module_utils.models import HAS_PYDANTIC, INCLUDES
from ansible_collections.wanfleet.routers.plugins.plugin_utils.ansible_compat import make_unsafe, trust_as_template
from ansible_collections.wanfleet.routers.plugins.plugin_utils.inventory_cache import CACHE_FORMAT, cached_records, fingerprint
from ansible_collections.wanfleet.routers.plugins.plugin_utils.inventory_listing import SourceFailure, merged, read_source
from ansible_collections.wanfleet.routers.plugins.plugin_utils.inventory_names import PREFIX, RESERVED_NAMES, SHOWN_CLASHES, hostnames, own_groups

# Re-exported: the plugin's tests read these as fleet.<name>, as before they moved to plugin_utils.
from ansible_collections.wanfleet.routers.plugins.plugin_utils.inventory_listing import RECORD_FIELDS  # noqa: F401  # pylint: disable=unused-import
from ansible_collections.wanfleet.routers.plugins.plugin_utils.inventory_names import group_name, host_name  # noqa: F401  # pylint: disable=unused-import

INVENTORY_PLATFORMS = ("incontrol", "ncm", "telecomx")
FILE_NAME = re.compile(r"(^|[/\\.])wanfleet\.ya?ml$")
SOURCE_KEYS = frozenset(("platform", "name", "filters", "detail", "include")) | frozenset(TRANSPORT)


def _includes(value, index):
    """A source's `include`, checked: a list of cellular / location."""
    value = [value] if isinstance(value, str) else value
    if not isinstance(value, list) or set(value) - set(INCLUDES):
        raise AnsibleParserError("wanfleet.routers.fleet: sources[%d].include must be a list of %s, got %r" % (index, ", ".join(INCLUDES), value))
    return sorted(set(value))


def _plain(value):
    """Templated config values as plain Python data (a vault-encrypted string becomes its text)."""
    if isinstance(value, dict):
        return dict((str(key), _plain(item)) for key, item in value.items())
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if isinstance(value, str):
        return str(value)
    return value


class InventoryModule(BaseInventoryPlugin, Constructable, Cacheable):
    NAME = "wanfleet.routers.fleet"

    def verify_file(self, path):
        if not super(InventoryModule, self).verify_file(path):
            return False
        if FILE_NAME.search(path):
            return True
        self.display.vvv("wanfleet.routers.fleet skips %s: the file name must end in .wanfleet.yml, .wanfleet.yaml or be wanfleet.yml" % path)
        return False

    def parse(self, inventory, loader, path, cache=True):
        super(InventoryModule, self).parse(inventory, loader, path, cache)
        self._read_config_data(path)
        if not HAS_HTTPX or not HAS_PYDANTIC:
            raise AnsibleError(
                "wanfleet.routers.fleet needs the Python libraries httpx and pydantic on the controller "
                "(pip install -r requirements.txt of the collection, or an execution environment built with it)"
            )
        sources = self.sources()
        # The aws_ec2 cache flow: read the cache when allowed; list and rewrite it when it is missing, expired or
        # bypassed (--flush-cache, meta: refresh_inventory).
        cache_key = self.cache_key(path, sources)
        use_cache = self.get_option("cache") and cache
        update_cache = self.get_option("cache") and not cache
        records = None
        if use_cache:
            try:
                cached = self._cache[cache_key]
            except KeyError:
                cached = None
            records, problem = cached_records(cached, sources)
            if records is not None:
                self.display.vvv("wanfleet.routers.fleet: %d devices from the cache (%s)" % (len(records), cache_key))
            else:
                if cached is not None:
                    self.display.warning("wanfleet.routers.fleet: the cached listing (%s) is not used: %s; listing again" % (cache_key, problem))
                update_cache = True
        if records is None:
            records, complete = self.fetch(sources)
            # A listing that left a source out (strict_permissions: false) is never served again from the cache.
            update_cache = update_cache and complete
        if update_cache:
            self._cache[cache_key] = {"format": CACHE_FORMAT, "records": records}
        self.populate(records)

    # ---- configuration ----------------------------------------------------------------------

    def sources(self):
        """The configured sources, templated, checked and completed from the environment, before any request."""
        configured = self.get_option("sources") or []
        if not isinstance(configured, list) or not configured:
            raise AnsibleParserError("wanfleet.routers.fleet: sources must be a non-empty list")
        default_detail = bool(self.get_option("detail"))
        default_include = list(self.get_option("include") or [])
        sources, names = [], set()
        for index, given in enumerate(configured):
            if not isinstance(given, dict):
                raise AnsibleParserError("wanfleet.routers.fleet: sources[%d] must be a dictionary" % index)
            given = self._template(given, index)
            platform = given.get("platform")
            if platform not in INVENTORY_PLATFORMS:
                hint = " (list Peplink routers through their InControl organization)" if platform == "peplink_router" else ""
                raise AnsibleParserError(
                    "wanfleet.routers.fleet: sources[%d].platform must be one of %s, got %r%s" % (index, ", ".join(INVENTORY_PLATFORMS), platform, hint)
                )
            unknown = sorted(set(given) - SOURCE_KEYS - {platform})
            if unknown:
                others = [key for key in unknown if key in CREDENTIALS]
                raise AnsibleParserError(
                    "wanfleet.routers.fleet: sources[%d] (%s): unknown key(s) %s%s"
                    % (
                        index,
                        platform,
                        ", ".join(unknown),
                        "; a source is one platform: put the %s credentials in a source of its own" % others[0]
                        if others
                        else "; allowed: %s" % ", ".join(sorted(SOURCE_KEYS | {platform})),
                    )
                )
            filters = given.get("filters") or {}
            if not isinstance(filters, dict):
                raise AnsibleParserError("wanfleet.routers.fleet: sources[%d].filters must be a dictionary" % index)
            settings = dict((key, value) for key, value in given.items() if key not in ("name", "filters", "detail", "include"))
            try:
                resolved = resolve_source(settings)
            except WanfleetError as error:
                raise AnsibleParserError("wanfleet.routers.fleet: sources[%d]: %s" % (index, error.message))
            name = str(given.get("name") or platform)
            if name in names:
                name = "%s_%d" % (name, index)
            names.add(name)
            resolved["name"] = name
            resolved["filters"] = filters
            resolved["detail"] = default_detail if given.get("detail") is None else bool(given["detail"])
            resolved["include"] = _includes(default_include if given.get("include") is None else given["include"], index)
            sources.append(resolved)
        return sources

    def _template(self, value, index):
        """Render the Jinja templates written in the file (lookups, vault); extra vars are available."""
        try:
            self.templar.available_variables = self._vars or {}
            return _plain(self.templar.template(value))
        except Exception as error:  # a lookup or a syntax error: say which source
            raise AnsibleParserError("wanfleet.routers.fleet: sources[%d]: a template could not be rendered: %s" % (index, to_native(error)))

    def cache_key(self, path, sources):
        """The file's cache key plus a fingerprint of what decides the listing (never a secret)."""
        return "%s_%s" % (self.get_cache_key(path), fingerprint(sources))

    # ---- listing ------------------------------------------------------------------------------

    def fetch(self, sources):
        """(device records of every source in source order, whether no source was left out); read concurrently.

        Raises AnsibleError naming every source that failed; nothing is returned unless all succeeded
        (or were left out under strict_permissions: false).
        """
        for source in sources:  # every credential is checked before the first request
            try:
                platform_settings(source)
            except WanfleetError as error:
                raise AnsibleParserError("wanfleet.routers.fleet: source %s: %s" % (source["name"], error.message))
        sessions = {}
        for source in sources:  # one pooled HTTP client per TLS setting, made before the threads start
            tls = self._tls(source)
            if tls not in sessions:
                try:
                    sessions[tls] = HttpSession(timeout=max(transport_value(s, "timeout") for s in sources), validate_certs=tls[0], ca_path=tls[1])
                except WanfleetError as error:
                    raise AnsibleParserError("wanfleet.routers.fleet: source %s: %s" % (source["name"], error.message))
        workers = max(1, min(int(self.get_option("concurrency") or 1), len(sources)))
        try:
            with ThreadPoolExecutor(max_workers=workers) as pool:
                strict = self.get_option("strict_permissions")
                futures = [pool.submit(read_source, source, sessions[self._tls(source)], strict, open_client) for source in sources]
                wait(futures, return_when=FIRST_EXCEPTION)
                for future in futures:
                    future.cancel()  # a source that has not started yet is not started after a failure
            # leaving the block waited for the sources already running
        finally:
            for session in sessions.values():
                session.close()
        failures = [(source, future.exception()) for source, future in zip(sources, futures) if not future.cancelled() and future.exception() is not None]
        for source, error in failures:
            if not isinstance(error, SourceFailure):  # a bug, not an API answer: keep its traceback (-vvv)
                raise AnsibleError("wanfleet.routers.fleet: source %s: unexpected %s: %s" % (source["name"], type(error).__name__, to_native(error))) from error
        if failures:
            raise AnsibleError(
                "wanfleet.routers.fleet: the fleet could not be listed, so no host is added: %s" % "; ".join(str(error) for _source, error in failures)
            )
        return merged([future.result() for future in futures], self.display)

    @staticmethod
    def _tls(source):
        return (source.get("validate_certs") is not False, source.get("ca_path"))

    # ---- hosts and groups ------------------------------------------------------------------------

    def populate(self, records):
        """Add the hosts and groups, all or nothing: a failure (a strict compose error...) takes back what it added."""
        inventory = self.inventory
        memberships = own_groups(records, self.display)
        hosts_before, groups_before = set(inventory.hosts), set(inventory.groups)
        own = set(name for names in memberships for name in names)
        named = hostnames(
            records,
            self.get_option("hostnames"),
            self.get_option("duplicate_hostnames"),
            self.display,
            taken=hosts_before | groups_before | RESERVED_NAMES | own,
        )
        try:
            self._add_hosts(zip(named, memberships))
        except Exception:
            for name in set(inventory.hosts) - hosts_before:
                inventory.remove_host(inventory.hosts[name])
            for name in set(inventory.groups) - groups_before:
                inventory.remove_group(inventory.groups[name])
            raise

    def _add_hosts(self, hosts):
        inventory = self.inventory
        compose = self.get_option("compose")
        composed_groups = self.get_option("groups")
        keyed_groups = self.get_option("keyed_groups")
        strict = self.get_option("strict")
        interpreter = trust_as_template("{{ ansible_playbook_python }}")
        added = []
        for (hostname, record), groups in hosts:
            inventory.add_host(hostname)
            added.append(hostname)
            hostvars = dict((PREFIX + key, make_unsafe(value)) for key, value in record.items())
            # A boolean prints as plain true/false in ansible-inventory's JSON: AWX's enabled_var compares it as printed.
            hostvars[PREFIX + "online"] = record.get("status") == "online"
            hostvars["ansible_connection"] = "local"
            hostvars["ansible_python_interpreter"] = interpreter
            for key, value in hostvars.items():
                inventory.set_variable(hostname, key, value)
            for group in groups:
                inventory.add_group(group)
                inventory.add_child(group, hostname)
            if compose:
                self._set_composite_vars(compose, hostvars, hostname, strict=strict)
            if composed_groups:
                self._add_host_to_composed_groups(composed_groups, hostvars, hostname, strict=strict)
            if keyed_groups:
                self._add_host_to_keyed_groups(keyed_groups, hostvars, hostname, strict=strict)
        # groups/keyed_groups may have made a group named like one of these hosts: Ansible would then take one for
        # the other (variables, membership, patterns).
        clashing = [hostname for hostname in added if hostname in inventory.groups]
        if clashing:
            raise AnsibleError(
                "wanfleet.routers.fleet: groups or keyed_groups made group(s) named like host(s) of this "
                "source: %s; change their prefix" % ", ".join(clashing[:SHOWN_CLASHES])
            )
