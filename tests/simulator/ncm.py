"""Cradlepoint NetCloud Manager (NCM) API v2 under /api/v2/.

Source: shared/docs/api/cradlepoint-netcloud-api-v2.txt. Every handler and rule says
`# documented: cradlepoint-netcloud-api-v2.txt:L<n>` (cited below as `L<n>`, same file)
or `# inferred: <why>`. Where the document contradicts itself the choice is marked
`# conflict:`. The digest (ncm-digest.md) lists those contradictions as [DOC ISSUE].

Where the document stops, the Tastypie conventions the API visibly runs on (its meta
block is Tastypie's paginator meta, its errors Tastypie's shapes) decide, and the
comment says so. Cradlepoint's own SDK (pip package `ncm`) is the other witness: it
must work against this module unchanged (tests/fidelity/test_ncm_sdk.py).

Knobs (`--set NAME=VALUE`; the generic name is read when the ncm_ one is absent):
  ncm_sync_seconds   (sync_seconds)    delay before an online router takes a new config (1)
  ncm_reboot_seconds (reboot_seconds)  how long a rebooting router stays offline (3)
  ncm_reboot_delay                     delay before a reboot command takes the router down (0.2)
  ncm_config_error_status              status of a config validation error (default: PUT 409,
                                       PATCH 400, see `config_error_status`)

The seed (deterministic per fleet name and size): one account `sim-account` (35065) with a
subaccount, five users, products with the doc's ids, three firmwares per product (7.22.60
deprecated, 7.23.40, 7.24.10), N routers (IBR900, AER2200, E300, IBR1700, IBR1100 and AP22
access points; router 2 offline, about 10% of the rest too; with N >= 50 the last one is a
never-connected access point), a group per product in use (the first of each carries a
group config: SSID `<Site>-Corp` on radio 0 / BSS 0, logging level), an empty "Staging IBR900"
group, an ethernet WAN plus one or two modems per router, one push destination and two
alert rules. Time series (`Series`, built on first read): three hourly signal samples per modem
(of every four modems two good, one fair, one poor), usage samples per net_device, stream
samples, two alerts and (grouped routers) four log lines per router, and net_device_metrics.

The configuration model (L8832-10269): every product's firmware has default config (see
firmwares/<id>/default_configuration/) and a DTD (`build_dtd`). A router's
`configuration` is its individual diff [updates, removals]; `target` is that diff layered
over its group's config, plus `ecm.config_version`; `actual` is the target the router last
took, as the device reports it (`_id_` arrays by index); `pending` is what separates the
two, empty while synched or while actual and target firmware differ. An online router takes
a changed target after `ncm_sync_seconds`; an offline one when it comes back. WLAN lives at
wlan.radio.<r>.bss.<b> (radio "0" 2.4 GHz, "1" 5 GHz; four BSS slots each); WAN rules at
wan.rules2.<_id_> with trigger_name, trigger_string, priority (lower is preferred) and
disabled. The ethernet WAN answers to rule 00000000-..., a SIM1 modem to the LTE rule
00000002-..., a SIM2 modem to 00000004-...; a disabled rule disconnects its net_device once
synched.

Time is `world.now()`; delayed effects (config sync, reboots, firmware upgrades) are
queued and settled lazily at the start of every request: no background tasks.

Scale: `--fleet 10000` builds in well under a second. Router, net_device and
configuration_manager records keep their JSON encoding per base URL until they change,
so a 500-record page is a join of cached byte strings.
"""

from __future__ import annotations

import copy
import hashlib
import heapq
import ipaddress
import itertools
import json
import re
import uuid
from datetime import datetime, timezone
from urllib.parse import urlencode, urlsplit

from starlette.responses import Response
from starlette.routing import Route

PREFIX = "/api/v2/"
LIMIT_DEFAULT = 20  # documented: L267 (every example's meta.limit is 20)
LIMIT_MAX = 500  # documented: L195 "most resources have a max limit of 500 records per call"
IN_MAX = 100  # documented: L1436 "the standard filter limits of 100 values per field"
SEED_EPOCH = 1700000000.0  # seed timestamps are fixed so that a seed is fully deterministic

# documented: SPEC section 6 (the seed's credentials); L34-45 (two key pairs, roles).
CP_KEYS = ("sim-cp-id", "sim-cp-key")
ECM_KEYS = {
    ("sim-ecm-id", "sim-ecm-key"): "admin",
    # inferred: a Read Only User key pair (L38 names the role) so writes can be refused.
    ("sim-ecm-ro-id", "sim-ecm-ro-key"): "readonly",
}

ALERT_TYPES = frozenset(
    (  # documented: L1160-1286, the "Alert Field Name" column of both tables
        "account_locked acs_expires_in_15_days acs_expires_in_180_days acs_expires_in_30_days "
        "acs_expires_in_5_days acs_expires_in_60_days acs_expires_in_90_days acs_noncompliant_devices "
        "acs_unlicensed_devices acs_unlicensed_in_15_days acs_unlicensed_in_5_days adc_event "
        "batt_backup_power_engaged batt_health_alert batt_maintenance_cycle_ended "
        "batt_maintenance_cycle_started batt_over_current_alert batt_over_temp_alert "
        "batt_over_voltage_alert batt_sys_low_power_alert batt_sys_power_off_alert config_change "
        "config_rejected config_unacked connection_state cpu_utilization csi_test_error csi_test_failed "
        "csi_test_passed csi_test_started custom_alert data_cap_threshold device_location_unknown "
        "duplicate_ssid ethernet_wan_connected ethernet_wan_disconnected ethernet_wan_plugged "
        "ethernet_wan_standby ethernet_wan_unplugged failover_event firmware_upgrade "
        "geofence_proximity_change gpio_state_change http_destination_suspended http_push_failure "
        "intel_ethernet_wan_connected intel_ethernet_wan_disconnected intel_modem_wan_connected "
        "intel_modem_wan_disconnected intel_reboot_status_change intel_vrrp_new_backup "
        "intel_vrrp_new_fault intel_vrrp_new_master ip_banned ips_activity ips_enable_disable "
        "ips_eng_failure ips_mode_change ipsec_tunnel_down ipsec_tunnel_restored ipsec_tunnel_up "
        "ipverify_event location_service_change login_success memory_utilization "
        "modem_firmware_summary_create modem_wan_connected modem_wan_disconnected modem_wan_plugged "
        "modem_wan_standby modem_wan_unplugged msft_iot_disconnect ncm_login_failure "
        "ncos_firmware_summary_create pcn_ap_connection_state pcn_ap_ipsec_setup_failure "
        "pcn_ap_ntp_syn_failure pcn_ap_radio_status pcn_core_ipsec_connection_status_changed "
        "pcn_core_ntp_sync_failure pcn_core_port_status_changed pcn_core_s1_connection_state "
        "pcn_core_s1_setup_failure pcn_core_ue_dedicated_bearer_alloc_failure pcn_sas_grant_expired "
        "pcn_sas_grant_success pcn_sas_grant_suspended pcn_sas_grant_terminated pcn_sas_no_response "
        "pdp_account_overage pdp_router_overage reboot_status_change remote_connection_destroyed "
        "remote_connection_request router_group_change router_sdk_app_execution_state_changed "
        "router_sdk_mismatched_app_action scep_enrollment_failure scep_enrollment_success sim_door_event "
        "span_enabled sustained_system_overload system_error thermal_exceeds_limit tunnel_limit "
        "unrecognized_mac_alert vrrp_new_backup vrrp_new_fault vrrp_new_master wall_power_restored "
        "wan_service_type wan_status_change wifi_client_state_change wwan_connected wwan_disconnected "
        "wwan_network_available wwan_network_unavailable wwan_standby zs_tls_tunnel"
    ).split()
)
PDP_TYPES = ("pdp_router_overage", "pdp_account_overage")  # documented: L1375-1407
DATA_PLAN_CARRIERS = ("VERIZON", "AT&T", "T-MOBILE")  # inferred: L1402 needs existing data plans


# ---------------------------------------------------------------------------------------------
# Errors and replies
# ---------------------------------------------------------------------------------------------


class ApiError(Exception):
    def __init__(self, status, body, headers=None):
        Exception.__init__(self, status)
        self.status, self.body, self.headers = status, body, headers


def error(status, message, errors=None, kind="error"):
    # documented: L274-291, the generic error shape {"errors": [...], "exception": {message, type}}
    return ApiError(status, {"errors": errors or [], "exception": {"message": message, "type": kind}})


def forbidden():
    return ApiError(403, {"exception": {"message": "forbidden", "type": "error"}, "errors": []})  # documented: L303-311


def unauthorized():
    # documented: L293-301 (note the leading space in the message)
    return ApiError(401, {"status_code": 401, "exception": "unauthorized", "message": " Invalid Credentials i.e. missing or invalid keys.", "success": False})


def invalid(errors, status=400):
    # documented: L323-335, the validation shape; errors is a list of {field: message}
    return ApiError(status, {"exception": {"type": "validation", "message": "bad or missing data"}, "errors": errors})


def not_found(ctx):
    # inferred: a missing record is 404 (L239) in the generic shape; the doc shows no 404 body.
    return error(404, "not found", [{"path": ctx.full_url}])


def reply(status, body=None):
    if body is None:
        return Response(b"", status_code=status)
    payload = body if isinstance(body, bytes) else dumps(body)
    return Response(payload, status_code=status, media_type="application/json")


def dumps(value):
    # documented: every example prints its keys sorted (e.g. L6206-6238, the config diffs L2033-2500)
    return json.dumps(value, sort_keys=True).encode()


def iso(epoch, timespec="microseconds"):
    if epoch is None:
        return None
    return datetime.fromtimestamp(epoch, timezone.utc).isoformat(timespec=timespec)


def parse_ts(text):
    try:
        return datetime.fromisoformat(text).timestamp()
    except ValueError:
        # documented: L382 — a "+" sent unencoded arrives as a space and "will not work".
        raise error(400, "Invalid timestamp %r (encode '+' as %%2b)" % text)


UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def timeuuid(epoch, rng):
    """A version-1 UUID for `epoch` (the doc's alert_config_id etc. are timeuuids, L1092)."""
    ticks = int(epoch * 1e7) + 0x01B21DD213814000
    seq, node = rng.getrandbits(14), rng.getrandbits(48) | 0x010000000000
    # str(uuid.UUID(fields=...)) written out: the seed makes ~15 of these per router
    return "%08x-%04x-%04x-%02x%02x-%012x" % (
        ticks & 0xFFFFFFFF,
        (ticks >> 32) & 0xFFFF,
        ((ticks >> 48) & 0x0FFF) | 0x1000,
        0x80 | (seq >> 8),
        seq & 0xFF,
        node,
    )


def uuid_time(text):
    try:
        value = uuid.UUID(text)
    except ValueError:
        raise error(400, "Invalid timeuuid %r" % text)
    return (value.time, str(value))


class Rec(object):
    """One record. `rev` moves on every change; `cached` holds (base, rev, json bytes)."""

    def __init__(self, **fields):
        self.rev = 0
        self.cached = None
        self.__dict__.update(fields)


# ---------------------------------------------------------------------------------------------
# Configuration diffs: DTD, validation, layering (L8832-10269)
# ---------------------------------------------------------------------------------------------
# A config is a tree of dicts; arrays are dicts keyed "0", "1"... or, for the arrays with `_id_`
# fields, by the element's UUID (documented: L9842-9912). A diff is [updates, removals] (L9963).

ID_ARRAYS = frozenset(
    (  # documented: L9883-9912, the arrays whose elements carry `_id_` (fw 6.1.0)
        "asavie.tunnels certmgmt.certs dns.dnsmasq_options gre.tunnels identities.ip identities.mac "
        "identities.port lan openvpn.tunnels routing.access_list routing.bgp.access_list "
        "routing.bgp.community_list routing.prefix_list routing.route_map routing.tables security.app_sets "
        "security.ips.cat_cfg security.ips.sig_cfg security.zfw.filter_policies security.zfw.forwardings "
        "security.zfw.zones split_dns.domain_lists split_dns.servers system.gps.connections vpn.tunnels "
        "wan.rules wan.rules2"
    ).split()
)
# documented: L10092 ("wpapsk" and system users' "password" read back as "*"); the rest inferred:
# the NCOS names of the other secrets that sit in the config tree.
PASSWORD_KEYS = frozenset(("wpapsk", "password", "secret", "radius0key", "radius1key", "psk"))

PRIMARY_LAN, GUEST_LAN = "00000000-0d93-319d-8220-4a1fb0372b51", "00000001-0d93-319d-8220-4a1fb0372b51"  # L9322-9331
RULE_IDS = ["0000000%d-a81d-3590-93ca-8b1fcfeb8e14" % n for n in range(5)]  # documented: L2275-2300, L9727-9745
BSS_SLOTS = 4  # inferred: NCOS radios carry a fixed set of BSS slots; L10159 lists "bad array index"


class Leaf(object):
    def __init__(self, kind, lo=None, hi=None, choices=None, nullable=False):
        self.kind, self.lo, self.hi, self.choices, self.nullable = kind, lo, hi, choices, nullable

    def fault(self, value):
        """The catalogue reason (documented: L10159-10190) why `value` does not fit, or None."""
        if value is None and self.nullable:
            return None
        kind = self.kind
        if kind == "any":
            return None
        if kind == "bool":
            return None if isinstance(value, bool) else "not a boolean"
        if kind == "int":
            if isinstance(value, bool) or not isinstance(value, int):
                return "not an integer"
            if self.lo is not None and value < self.lo:
                return "too small(min=%d)" % self.lo
            if self.hi is not None and value > self.hi:
                return "too large (max=%d)" % self.hi
            return None
        if kind == "float":
            return None if isinstance(value, (int, float)) and not isinstance(value, bool) else "not a float type"
        if not isinstance(value, str):
            return "not a string"
        if kind == "option":
            return None if value in self.choices else "invalid option"
        if kind == "uuid":
            return None if UUID_RE.match(value) else "invalid id"
        if kind in ("ipv4", "netmask"):
            try:
                ipaddress.IPv4Address(value)
            except ValueError:
                return "invalid ipv4 address"
            if kind == "netmask" and not _is_netmask(value):
                return "invalid subnet mask"
            return None
        if kind == "password" and len(value) == 64 and re.match(r"^[0-9A-Fa-f]{64}$", value):
            return None  # a 64-hex-digit raw PSK is also a WPA key (inferred: WPA2 standard)
        if self.lo is not None and len(value) < self.lo:
            return "too short (min length=%d)" % self.lo
        if self.hi is not None and len(value) > self.hi:
            return "too long (max length=%d)" % self.hi
        return None


def _is_netmask(text):
    bits = int(ipaddress.IPv4Address(text))
    return bits == 0 or (bits | (bits - 1)) & 0xFFFFFFFF == 0xFFFFFFFF and bin(bits).count("1") == 32 - ((~bits & 0xFFFFFFFF).bit_length())


class Struct(object):
    def __init__(self, fields, open=False):
        self.fields, self.open = fields, open


class Array(object):
    def __init__(self, element, ids=False, size=None):
        self.element, self.ids, self.size = element, ids, size


ANY = Leaf("any")
STR, BOOL, FLOAT, IPV4 = Leaf("str", 0, 255), Leaf("bool"), Leaf("float"), Leaf("ipv4")


def build_dtd(radios):
    """The DTD of our NCOS 7.x firmwares (documented: L9915-9922 says one exists per firmware).

    inferred: the real DTD is not published. Sections the collection writes (wlan, wan,
    system, lan) are modelled key by key so a wrong key or type fails as it would on NCM;
    the other sections the doc's examples use are accepted whole (ANY). `wan.rules` is the
    5.x name (documented: L9696-9700) and is an invalid path on these firmwares.
    """
    bss = Struct(
        {  # documented: L9643-9668, L10112-10130 (ssid, wpapsk, radius0nasid); the rest inferred (NCOS)
            "ssid": Leaf("str", 0, 32),
            "enabled": BOOL,
            "hidden": BOOL,
            "authmode": Leaf(
                "option",
                choices=(
                    "none",
                    "wepauto",
                    "wepopen",
                    "wepshared",
                    "wpa1psk",
                    "wpa2psk",
                    "wpa1wpa2psk",
                    "wpa3psk",
                    "wpa2wpa3psk",
                    "wpa1",
                    "wpa2",
                    "wpa1wpa2",
                    "wpa3",
                    "wpa2wpa3",
                ),
            ),
            "wpacipher": Leaf("option", choices=("aes", "tkip", "tkipaes")),
            "wpapsk": Leaf("password", 8, 63),
            "radius0nasid": Leaf("str", 0, 253, nullable=True),
            "isolate_sta": BOOL,
            "wmm": BOOL,
            "maxassoc": Leaf("int", 1, 128),
        }
    )
    radio = Struct({"enabled": BOOL, "channel": Leaf("int", 0, 196), "txpower": Leaf("int", 1, 100), "bss": Array(bss, size=BSS_SLOTS)})
    CHECK_MODES = ("passive", "active_ping", "active_dns", "active_http", "off")
    rule = Struct(
        {  # documented: L2127-2160, L2275-2300, L9727-9745, L9778-9797; priority/disabled/trigger_* inferred
            "_id_": Leaf("uuid"),
            "trigger_name": STR,
            "trigger_string": STR,
            "priority": FLOAT,
            "disabled": BOOL,
            "connectionset": Leaf("int", 0, 15),
            "def_conn_state": Leaf("option", choices=("alwayson", "standby", "ondemand")),
            "failureCheck": Struct({"mode": Leaf("option", choices=CHECK_MODES), "ping_target": STR, "idle_seconds": Leaf("int", 0, 86400)}),
            "ip_mode": Leaf("option", choices=("dhcp", "static", "pppoe")),
            "static": Struct({"ip_address": IPV4, "netmask": Leaf("netmask"), "gateway": IPV4, "dns": Array(Struct({"ip_address": IPV4}))}),
            "modem": Struct({"apn_mode": Leaf("option", choices=("auto", "manual")), "manual_apn": STR}),
        }
    )
    lan = Struct(
        {"_id_": Leaf("uuid"), "name": STR, "ip_address": IPV4, "netmask": Leaf("netmask"), "enabled": BOOL, "dhcpd": ANY, "dhcpcd": ANY, "devices": ANY}
    )  # documented: L9190-9205
    return Struct(
        {
            "system": Struct(
                {  # documented: L2102-2112 (admin, gps, system_id, users...), L9673-9690
                    "system_id": STR,
                    "timezone": STR,
                    "pci_dss": BOOL,
                    "show_cloud_setup": BOOL,
                    "ui_activated": BOOL,
                    "desc": STR,  # inferred: the router's description; ecmcli's (PyPI 10) example config patch sets it
                    "admin": Struct({"product_name": STR}),
                    "gps": Struct({"enabled": BOOL, "connections": ANY}),
                    "logging": Struct({"level": Leaf("option", choices=("debug", "info", "warning", "error", "critical"))}),
                    "users": Array(
                        Struct({"username": STR, "password": Leaf("password", 0, 255), "group": Leaf("option", choices=("admin", "user", "readonly"))})
                    ),
                }
            ),
            "lan": Array(lan, ids=True),
            "wan": Struct(
                {
                    "rules2": Array(rule, ids=True),  # documented: L2120-2160
                    "connectionsets": Array(Struct({"mode": Leaf("option", choices=("failover", "loadbalance", "spillover"))})),
                    "datacap": Struct({"enabled": BOOL}),
                    "swans": ANY,
                }
            ),
            "wlan": Struct({"radio": Array(radio, size=radios)}),  # documented: L9643-9668 wlan.radio.<r>.bss.<b>
            "stats": Struct({"client_usage": Struct({"enabled": BOOL})}),  # documented: L2530-2542
            "firewall": Struct(
                {
                    "remote_admin": Struct(
                        {
                            "enabled": BOOL,
                            "secure_only": BOOL,  # documented: L9924
                            "port": Leaf("int", 1, 65535),
                        }
                    )
                },
                open=True,
            ),
            # documented as used by examples (L2045-2100, L9200-9240, L10244-10262), accepted whole:
            "security": ANY,
            "vlan": ANY,
            "gre": ANY,
            "routing": ANY,
            "webfilter": ANY,
            "dns": ANY,
            "identities": ANY,
            "certmgmt": ANY,
            "openvpn": ANY,
            "vpn": ANY,
            "asavie": ANY,
            "split_dns": ANY,
        }
    )


def default_config(product):
    """The factory defaults of a product's firmware; diffs are relative to these (L9965)."""
    radios = {}
    for r in range(product.radios):
        radios[str(r)] = {
            "enabled": True,
            "channel": 0,
            "bss": {
                str(b): {
                    "enabled": b == 0,
                    "ssid": "%s%s" % (product.name, "" if b == 0 else "-%d" % b),
                    "hidden": False,
                    "authmode": "wpa2psk",
                    "wpacipher": "aes",
                    "radius0nasid": None,
                    "isolate_sta": False,
                    "wmm": True,
                }
                for b in range(BSS_SLOTS)
            },
        }
    # inferred (NCOS): the five default rules2; ids documented L2275-2300, 00000000 Ethernet (L9727-9745),
    # 00000002 the "LTE defaults" rule (L9757-9797). Lower priority = preferred, as NCOS orders WANs.
    rules = [
        ("Ethernet", "type|is|ethernet", 0.0),
        ("Modem", "type|is|mdm", 1.0),
        ("LTE", "type|is|mdm%tech|is|lte", 1.1),
        ("WiFi as WAN", "type|is|wwan", 2.0),
        ("Modem SIM2", "type|is|mdm%sim|is|sim2", 1.2),
    ]
    return {
        "system": {
            "system_id": product.name,
            "timezone": "UTC",
            "pci_dss": False,
            "show_cloud_setup": True,
            "ui_activated": False,
            "admin": {"product_name": product.full_name},
            "gps": {"enabled": False},
            "logging": {"level": "info"},
            "users": {"0": {"username": "admin", "group": "admin"}},
        },
        "lan": {
            PRIMARY_LAN: {
                "_id_": PRIMARY_LAN,
                "name": "Primary LAN",
                "ip_address": "192.168.0.1",
                "netmask": "255.255.255.0",
                "enabled": True,
                "dhcpd": {"enabled": True},
            },
            GUEST_LAN: {
                "_id_": GUEST_LAN,
                "name": "Guest LAN",
                "ip_address": "192.168.10.1",
                "netmask": "255.255.255.0",
                "enabled": True,
                "dhcpd": {"enabled": True},
            },
        },
        "wan": {
            "rules2": dict(
                (
                    rid,
                    {
                        "_id_": rid,
                        "trigger_name": name,
                        "trigger_string": trigger,
                        "priority": prio,
                        "disabled": False,
                        "connectionset": 0,
                        "failureCheck": {"mode": "passive", "idle_seconds": 30},
                    },
                )
                for rid, (name, trigger, prio) in zip(RULE_IDS, rules)
            ),
            "connectionsets": {"0": {"mode": "failover"}},
            "datacap": {"enabled": False},
            "swans": {"enabled": False, "criteria": {"datausage": {"enabled": False}}},
        },
        "wlan": {"radio": radios},
        "stats": {"client_usage": {"enabled": False}},
        "firewall": {"remote_admin": {"enabled": False, "secure_only": True}},
        # documented: L9276-9310, the default vlan array of the doc's worked PUT example
        "vlan": {
            "0": {"uid": "wan", "mode": "wan", "vid": 1, "ports": {"0": {"port": 0, "mode": "untagged"}}},
            "1": {"uid": "lan", "mode": "lan", "vid": 2, "ports": dict((str(i), {"port": i + 1, "mode": "untagged"}) for i in range(4))},
        },
    }


def jcopy(value):
    """A deep copy of a JSON tree (several times faster than copy.deepcopy)."""
    if isinstance(value, dict):
        return dict((k, jcopy(v)) for k, v in value.items())
    if isinstance(value, list):
        return [jcopy(v) for v in value]
    return value


class IdMismatch(Exception):
    """An `_id_` array element keyed by UUID without that `_id_` inside (documented: L9507-9520)."""


def _config_error(path, value, reason, verb="set"):
    shown = value if isinstance(value, str) else json.dumps(value)
    dotted = ".".join(str(p) for p in path)
    message = "cannot set %s to %s: %s" % (dotted, shown, reason) if verb == "set" else "cannot remove %s: %s" % (dotted, reason)
    # documented: L9100-9117, one entry of the validation error list
    return {"configuration": {"message": message, "reason": reason, "value": value, "path": list(path)}}


def validate_updates(spec, value, path, errors, defaults):
    """Check `value` against the DTD; return it normalised (numeric keys of `_id_` arrays -> UUIDs)."""
    if isinstance(spec, Leaf):
        reason = spec.fault(value)
        if reason:
            errors.append(_config_error(path, value, reason))
        return value
    if isinstance(spec, Struct):
        if not isinstance(value, dict):
            errors.append(_config_error(path, value, "not a dict"))
            return value
        out = {}
        for key, item in value.items():
            sub = spec.fields.get(key, ANY if spec.open else None)
            if sub is None:
                errors.append(_config_error(path + [key], item, "invalid path"))
                continue
            out[key] = validate_updates(sub, item, path + [key], errors, defaults.get(key) if isinstance(defaults, dict) else None)
        return out
    # Array
    if isinstance(value, list):  # documented: L2550-2555, a list replaces the entire array
        return [validate_updates(spec.element, item, path + [str(i)], errors, None) for i, item in enumerate(value)]
    if not isinstance(value, dict):
        errors.append(_config_error(path, value, "not a list or dict"))
        return value
    if not value:
        errors.append(_config_error(path, value, "empty dict"))
        return value
    defaults = defaults if isinstance(defaults, dict) else {}
    out = {}
    for key, item in value.items():
        if spec.ids and UUID_RE.match(key):
            if not isinstance(item, dict) or item.get("_id_") != key:
                raise IdMismatch(key)
        elif spec.ids and key.isdigit() and int(key) < len(defaults):
            # documented: L9017-9036, NCM understands index keys too; stored under the UUID.
            key = list(defaults)[int(key)]
            item = dict(item, _id_=key) if isinstance(item, dict) else item
        elif spec.ids:
            # documented: L9367, a new element of an `_id_` array needs a UUID; the reason is
            # inferred from the catalogue (L10165 "invalid id").
            errors.append(_config_error(path + [key], item, "invalid id"))
            continue
        elif not key.isdigit() or (spec.size is not None and int(key) >= spec.size):
            errors.append(_config_error(path + [key], item, "bad array index"))
            continue
        out[key] = validate_updates(spec.element, item, path + [key], errors, defaults.get(key))
    return out


def validate_removals(removals, defaults, errors):
    """documented: L9267, L10015 — a removal must name an element of the default config."""
    out = []
    if not isinstance(removals, list):
        errors.append({"configuration": "removals must be a list of paths"})
        return out
    for path in removals:
        if not isinstance(path, list) or not path or not all(isinstance(p, (str, int)) and not isinstance(p, bool) for p in path):
            errors.append(_config_error(path if isinstance(path, list) else [path], None, "invalid path", "remove"))
            continue
        if _locate(defaults, path) is None:
            errors.append(_config_error(path, None, "invalid path", "remove"))
            continue
        out.append(list(path))
    return out


def _key_in(node, key):
    """The dict key `key` (str, int index, or UUID) names in `node`, or None."""
    if isinstance(key, int):
        keys = list(node)
        if keys and UUID_RE.match(keys[0]):
            return keys[key] if 0 <= key < len(keys) else None
        key = str(key)
    return key if key in node else None


def _locate(node, path):
    for key in path:
        if not isinstance(node, dict):
            return None
        real = _key_in(node, key)
        if real is None:
            return None
        node = node[real]
    return node


def merge_updates(base, updates):
    """PATCH: deep-merge `updates` into a copy of `base`; a list replaces the whole array."""
    out = dict(base)
    for key, value in updates.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge_updates(out[key], value)
        else:
            out[key] = jcopy(value)
    return out


def _strip(updates, path):
    """Drop `path` from an update dict (a lower layer's value under a higher layer's removal)."""
    node = updates
    for key in path[:-1]:
        node = node.get(str(key)) if isinstance(node, dict) else None
        if not isinstance(node, dict):
            return
    if isinstance(node, dict):
        node.pop(str(path[-1]), None)


def layer(group, individual):
    """Target = individual layered over group (documented: L8890, L10023-10088), as one diff.
    Diffs are never changed in place, so an empty layer lets the other be shared."""
    if not group[0] and not group[1]:
        return individual
    if not individual[0] and not individual[1]:
        return group
    updates = jcopy(group[0])
    for path in individual[1]:
        _strip(updates, path)
    removals = list(group[1]) + [p for p in individual[1] if p not in group[1]]
    return [merge_updates(updates, individual[0]), removals]


def apply_diff(config, diff):
    """Removals first, in order, then updates (documented: L9965-9990)."""
    config = jcopy(config)
    for path in diff[1]:
        parent = _locate(config, path[:-1])
        if isinstance(parent, dict):
            real = _key_in(parent, path[-1])
            if real is not None:
                del parent[real]
    _merge_into(config, diff[0])
    return config


def _merge_into(node, updates):
    for key, value in updates.items():
        if isinstance(value, dict) and isinstance(node.get(key), dict):
            _merge_into(node[key], value)
        elif isinstance(value, list):
            node[key] = dict((str(i), jcopy(v)) for i, v in enumerate(value))
        else:
            node[key] = jcopy(value)


def tree_diff(old, new, path=()):
    """The [updates, removals] that turn config `old` into config `new`."""
    updates, removals = {}, []
    for key, value in new.items():
        if key not in old:
            updates[key] = jcopy(value)
        elif isinstance(value, dict) and isinstance(old[key], dict):
            sub, gone = tree_diff(old[key], value, path + (key,))
            if sub:
                updates[key] = sub
            removals.extend(gone)
        elif old[key] != value:
            updates[key] = jcopy(value)
    for key in old:
        if key not in new:
            removals.append([int(p) if isinstance(p, str) and p.isdigit() else p for p in path + (key,)])
    return [updates, removals]


def mask(value):
    """documented: L10090-10110 — non-default passwords read back as "*"."""
    if isinstance(value, dict):
        return dict((k, "*" if k in PASSWORD_KEYS and isinstance(v, str) and v else mask(v)) for k, v in value.items())
    if isinstance(value, list):
        return [mask(v) for v in value]
    return value


def mask_diff(diff):
    return [mask(diff[0]), jcopy(diff[1])]


def device_form(updates, defaults, removed, path=()):
    """A diff as the device reports it (`actual`): `_id_` arrays keyed by index, and the `_id_`
    of default elements left out (documented: L9010-9036 and the GET example L2040-2160).
    `removed` holds the removal paths (tuples): they shift the indexes of what follows."""
    out = {}
    for key, value in updates.items():
        here = None if path is None else path + (key,)
        dflt = defaults.get(key) if isinstance(defaults, dict) else None
        if here is not None and ".".join(here) in ID_ARRAYS and isinstance(value, dict):
            dflt = dflt if isinstance(dflt, dict) else {}
            order = [k for k in dflt if here + (k,) not in removed] + [k for k in value if k not in dflt]
            array = {}
            for uid, element in value.items():
                if isinstance(element, dict):
                    if uid in dflt:
                        element = dict((k, v) for k, v in element.items() if k != "_id_")
                    element = device_form(element, dflt.get(uid), removed, None)
                array[str(order.index(uid)) if uid in order else uid] = element
            out[key] = array
        elif isinstance(value, dict):
            out[key] = device_form(value, dflt, removed, here)
        else:
            out[key] = value
    return out


# ---------------------------------------------------------------------------------------------
# Query parameters: filters, paging, fields, expand (L185-217, L8741-8822)
# ---------------------------------------------------------------------------------------------

EQ_IN = ("exact", "in")
OPS = ("exact", "in", "gt", "gte", "lt", "lte")
RESERVED = ("limit", "offset", "fields", "expand", "order_by", "format")


class Query(object):
    def __init__(self, ctx, kind):
        params = ctx.request.query_params
        self.kind = kind
        self.limit = self._int(params.get("limit"), "limit", LIMIT_DEFAULT)
        # inferred: over the documented maximum (L195) the limit is clamped to 500 and meta.limit
        # says 500, as Tastypie's paginator does (max_limit); 0 also means "the maximum" there.
        # The vendor SDK relies on it: limit='all' sends limit=1000000 and follows meta.next.
        if self.limit == 0 or self.limit > LIMIT_MAX:
            self.limit = LIMIT_MAX
        # inferred: offset is ignored where it is not supported (L203-211): the list restarts.
        self.offset = self._int(params.get("offset"), "offset", 0) if kind.cursor is None else 0
        self.fields = [f for f in params.get("fields", "").split(",") if f] or None
        # documented: L8787 `expand=` (the prose's `expands=` at L8781 is ignored, conflict noted there)
        self.expand = [f for f in params.get("expand", "").split(",") if f in kind.expand]
        self.order_by = params.get("order_by")
        self.filters = []
        for name, value in params.multi_items():
            if name not in RESERVED:
                self._add_filter(name, value)
        missing = [f for f in kind.required if f not in params and f + "__in" not in params]
        if missing:
            raise error(400, "The '%s' filter is required on %s." % (missing[0], kind.name))

    @staticmethod
    def _int(text, name, default):
        if text is None or text == "":
            return default
        try:
            value = int(text)
        except ValueError:
            raise error(400, "Invalid %s '%s' provided. Please provide a positive integer." % (name, text))
        if value < 0:
            raise error(400, "Invalid %s '%s' provided. Please provide a positive integer >= 0." % (name, text))
        return value

    def _add_filter(self, name, value):
        # documented: only "Fields with operators specified in the Filter column ... can be used as
        # filters" (every field table), and the generic filters are `=` and `__in` (L8741-8759). So a
        # filter the table does not list is refused with Tastypie's 400 messages (the API's meta and
        # error shapes are Tastypie's): an unlisted lookup (`name__startswith`), a field without
        # filters, and (inferred, stricter than Tastypie, which skips it) a name that is no field at
        # all. Never an unfiltered list for a filter the client believes applied.
        field, separator, op = name.partition("__")
        op = op if separator else "exact"
        spec = self.kind.filters.get(field)
        if spec is None:
            if field.partition(".")[0] in self.kind.fields:
                raise error(400, "The '%s' field does not allow filtering." % field)
            raise error(400, "'%s' is not a field of %s; filters: %s." % (field, self.kind.name, ", ".join(sorted(self.kind.filters))))
        vtype, ops, getter = spec
        if op not in ops:
            raise error(400, "'%s' is not an allowed filter on the '%s' field." % (op, field))
        if op == "in":
            raw = value.strip()
            if raw.startswith("[") and raw.endswith("]"):  # documented: L8750 writes `__in=[v1, v2]`
                raw = raw[1:-1]
            values = [v.strip() for v in raw.split(",") if v.strip()]
            if len(values) > IN_MAX:  # inferred from L1436: more than 100 values is refused
                raise invalid([{name: "too many values (%d); at most %d per filter" % (len(values), IN_MAX)}])
            wanted = frozenset(_coerce(vtype, v, name) for v in values)
            self.filters.append(lambda obj, g=getter, w=wanted: g(obj) in w)
            return
        wanted = _coerce(vtype, value, name)
        if op == "exact":
            self.filters.append(lambda obj, g=getter, w=wanted: g(obj) == w)
        else:
            compare = {"gt": lambda a, b: a > b, "gte": lambda a, b: a >= b, "lt": lambda a, b: a < b, "lte": lambda a, b: a <= b}[op]
            self.filters.append(lambda obj, g=getter, w=wanted, c=compare: g(obj) is not None and c(g(obj), w))

    def select(self, objects):
        if self.filters:
            objects = [o for o in objects if all(f(o) for f in self.filters)]
        if self.order_by:  # documented only in sample code (L7277); inferred: one field, "-" descends
            field = self.order_by.lstrip("-")
            spec = self.kind.filters.get(field)
            if spec is not None:
                getter = spec[2]

                def key(obj):
                    value = getter(obj)
                    return (True, 0) if value is None else (False, value)  # None sorts last

                objects = sorted(objects, key=key, reverse=self.order_by.startswith("-"))
        return objects


def _coerce(vtype, text, name):
    try:
        if vtype == "int":
            return int(text)
        if vtype == "bool":
            lowered = text.lower()
            if lowered not in ("true", "false", "1", "0"):
                raise ValueError(text)
            return lowered in ("true", "1")
        if vtype == "ts":
            return parse_ts(text)
        if vtype == "uuid":
            return uuid_time(text)
        if vtype == "logid":
            return log_id_key(text)
    except ValueError:
        raise error(400, "Invalid value %r for filter '%s'" % (text, name))
    return text


# ---------------------------------------------------------------------------------------------
# Request context, envelope and paging
# ---------------------------------------------------------------------------------------------


class Ctx(object):
    def __init__(self, request, state):
        self.request = request
        self.state = state
        url = request.url
        self.origin = "%s://%s" % (url.scheme, url.netloc)
        # documented: L6868-6875, URL fields are full URLs; ours point back at the simulator.
        self.base = self.origin + PREFIX
        self.full_url = str(url)
        self.role = None
        self.fields = [f for f in request.query_params.get("fields", "").split(",") if f] or None

    def url(self, kind, ident):
        return None if ident is None else "%s%s/%s/" % (self.base, kind, ident)


def page_meta(ctx, query, count, kind):
    params = [(k, v) for k, v in ctx.request.query_params.multi_items() if k not in ("limit", "offset")]
    collection = ctx.base + kind.name + "/"
    nxt = prev = None
    # documented: L199 — next/previous are ready-made URLs that retain the limit.
    if query.offset + query.limit < count:
        nxt = collection + "?" + urlencode(params + [("limit", query.limit), ("offset", query.offset + query.limit)])
    if query.offset - query.limit >= 0:  # inferred: Tastypie gives no "previous" when it would be < 0
        prev = collection + "?" + urlencode(params + [("limit", query.limit), ("offset", query.offset - query.limit)])
    return {"limit": query.limit, "next": nxt, "offset": query.offset, "previous": prev}


def list_reply(ctx, kind, objects):
    """documented: L247-272, {"data": [...], "meta": {limit, next, offset, previous}}."""
    query = Query(ctx, kind)
    objects = query.select(objects)
    if kind.cursor is not None:
        page = objects[: query.limit]
        meta = {"limit": query.limit, "next": None}
        if len(objects) > query.limit:
            # inferred from the alerts example (L1707): a cursor URL `<id field>__lt=<last id>`,
            # newest first; documented for these endpoints only as meta {limit, next} (L1006, L1330).
            params = [(k, v) for k, v in ctx.request.query_params.multi_items() if k not in ("limit", "offset", kind.cursor + "__lt")]
            meta["next"] = ctx.base + kind.name + "/?" + urlencode(params + [(kind.cursor + "__lt", getattr(page[-1], kind.cursor)), ("limit", query.limit)])
    else:
        page = objects[query.offset : query.offset + query.limit]
        meta = page_meta(ctx, query, len(objects), kind)
        if kind.count_meta:
            meta["count"] = len(page)  # documented: router_logs meta (L5808); inferred: this page's records
    if query.fields is None and not query.expand:
        parts = [ctx.state.encoded(ctx, kind, obj) for obj in page]
    else:
        parts = [dumps(shape(ctx, kind, obj, query.fields, query.expand)) for obj in page]
    return reply(200, b'{"data": [' + b", ".join(parts) + b'], "meta": ' + dumps(meta) + b"}")


def shape(ctx, kind, obj, fields=None, expand=(), body=None):
    """A record as a dict, trimmed to `fields` (with `rel.field` for URL fields, L9626) and
    with the `expand`ed relations rendered in full (L8773-8787)."""
    body = kind.render(ctx, obj) if body is None else body
    for name in expand:
        related = kind.related(ctx, obj, name)
        if related is not None:
            body[name] = related[0].render(ctx, related[1])
    if not fields:
        return body
    out = {}
    for name in fields:
        head, dot, tail = name.partition(".")
        if dot:  # inferred: `router.id` selects one field of the related record, nested
            related = kind.related(ctx, obj, head)
            if related is not None:
                out.setdefault(head, {})[tail] = related[0].render(ctx, related[1]).get(tail)
        elif name in body:
            out[name] = body[name]
    return out


# ---------------------------------------------------------------------------------------------
# Resource kinds: fields, filters, relations
# ---------------------------------------------------------------------------------------------


class Kind(object):
    def __init__(
        self, name, render, fields, filters, refs=None, expand=(), cursor=None, list_methods=("GET",), detail_methods=("GET",), required=(), count_meta=False
    ):
        self.name, self.render, self.fields, self.filters = name, render, frozenset(fields), filters
        self.required, self.count_meta = required, count_meta
        self.refs = refs or {}
        self.expand = frozenset(expand)
        self.cursor = cursor
        self.list_methods, self.detail_methods = list_methods, detail_methods

    def related(self, ctx, obj, name):
        ref = self.refs.get(name)
        if ref is None:
            return None
        kind_name, getter = ref
        target = ctx.state.lookup(kind_name, getter(obj))
        return None if target is None else (KINDS[kind_name], target)


def attr(name):
    return lambda obj: getattr(obj, name)


def render_router(ctx, r):
    # documented: L6202-6300 (the keys and their order; `lans` and `overlay_network_binding` of the
    # table L6115-6145 appear in no example and are left out)
    return {
        "account": ctx.url("accounts", r.account_id),
        "actual_firmware": ctx.url("firmwares", r.actual_fw),
        "asset_id": r.asset_id,
        "config_status": r.cm.status(),
        # documented: L6215 (a sub-resource URL). conflict: L10238 says routers carry no link to
        # their configuration manager; the examples win, and the link answers (`router_cm`).
        "configuration_manager": "%srouters/%d/configuration_manager/" % (ctx.base, r.id),
        "created_at": iso(r.created_at),
        "custom1": r.custom1,
        "custom2": r.custom2,
        "description": r.description,
        "device_type": r.product.device_type,
        "full_product_name": r.full_product_name,
        "group": ctx.url("groups", r.group_id),
        "id": str(r.id),  # documented: ids are JSON strings in every example (e.g. L6223)
        "ipv4_address": r.ipv4_address,
        "last_known_location": None,
        "locality": r.locality,
        "mac": r.mac,
        "name": r.name,
        "product": ctx.url("products", r.product.id),
        "reboot_required": r.reboot_required,
        "resource_url": ctx.url("routers", r.id),
        "serial_number": r.serial_number,
        "state": r.state,
        "state_updated_at": iso(r.state_updated_at),
        "target_firmware": ctx.url("firmwares", r.target_fw),
        "updated_at": iso(r.updated_at),
        "upgrade_pending": r.upgrade_pending,
    }


def render_group(ctx, g):
    return {  # documented: L3792-3822
        "account": ctx.url("accounts", g.account_id),
        "configuration": mask_diff(g.config),
        "device_type": g.product.device_type,
        "id": str(g.id),
        "name": g.name,
        "product": ctx.url("products", g.product.id),
        "resource_url": ctx.url("groups", g.id),
        "target_firmware": ctx.url("firmwares", g.target_fw),
    }


def render_cm(ctx, cm):
    r = cm.router
    return {  # documented: L1953-1964, L2033-2512, L8852-8866
        "account": ctx.url("accounts", r.account_id),
        "actual": cm.actual_view(),
        "configuration": mask_diff(cm.config),
        "id": str(cm.id),
        "pending": cm.pending(),
        "resource_url": ctx.url("configuration_managers", cm.id),
        "router": ctx.url("routers", r.id),
        "suspended": cm.suspended,
        "synched": cm.synched(),
        "target": cm.target_view(),
        "version_number": cm.version,
    }


def render_product(ctx, p):
    return {
        "device_type": p.device_type,
        "id": str(p.id),
        "name": p.name,  # documented: L5154-5222
        "resource_url": ctx.url("products", p.id),
        "series": p.series,
    }


def render_firmware(ctx, f):
    return {  # documented: L3300-3316, L3673-3695
        "built_at": iso(f.built_at, "seconds"),
        "default_configuration": ctx.url("firmwares", f.id) + "default_configuration/",
        "expires_at": iso(f.expires_at, "seconds"),
        "hash": f.hash,
        "id": str(f.id),
        "is_deprecated": f.is_deprecated,
        "product": ctx.url("products", f.product.id),
        "released_at": iso(f.built_at, "seconds"),
        "resource_url": ctx.url("firmwares", f.id),
        "uploaded_at": iso(f.built_at + 86400.5),
        "url": "https://d251cfg5d9gyuq.cloudfront.net/%s-%s.bin" % (f.product.name, f.version),
        "version": f.version,
    }


def render_account(ctx, a):
    return {
        "account": ctx.url("accounts", a.parent_id),
        "id": str(a.id),  # documented: L423-445
        "is_disabled": False,
        "name": a.name,
        "resource_url": ctx.url("accounts", a.id),
    }


def render_user(ctx, u):
    return {
        "account": ctx.url("accounts", u.account_id),
        "email": u.email,  # documented: L6770-6795
        "first_name": u.first_name,
        "id": str(u.id),
        "last_name": u.last_name,
        "resource_url": ctx.url("users", u.id),
        "username": u.username,
    }


def render_rule(ctx, rule):
    return {  # documented: L1297-1335 (GET record: no resource_url)
        "account": ctx.url("accounts", rule.account_id),
        "alert_config_id": rule.alert_config_id,
        "associated_accounts": list(rule.associated_accounts),
        "associated_groups": list(rule.associated_groups),
        "email_destinations": list(rule.email_destinations),
        "external_rules": None,
        "filter_criteria": copy.deepcopy(rule.filter_criteria),
        "http_destinations": list(rule.http_destinations),
        "last_summary_ts": None,
        "schedule": rule.schedule,
        "settings": copy.deepcopy(rule.settings),
        "updated_at": iso(rule.updated_at),
    }


def render_destination(ctx, d):
    return {  # documented: L985-1008. conflict: the doc prints updated_at URL-encoded ("%2B00:00",
        # L1003); the other endpoints print "+00:00", which we use everywhere.
        "account": ctx.url("accounts", d.account_id),
        "authentication": {"secret": "*"},  # L939
        "destination_config_id": d.destination_config_id,
        "enabled": d.enabled,
        "endpoint": {"url": d.url},
        "last_error_at": None,
        "last_error_text": None,
        "name": d.name,
        "suspended": d.suspended,
        "updated_at": iso(d.updated_at),
    }


# conflict: the field table (L4794-4862) also lists `apn` and `rfband5g`; the example record
# (L4923-4996) has neither. The record is what a client sees, so its keys are used.
NET_DEVICE_KEYS = (
    "account",
    "bsid",
    "carrier",
    "carrier_id",
    "channel",
    "connection_state",
    "dns0",
    "dns1",
    "esn",
    "gateway",
    "gsn",
    "homecarrid",
    "hostname",
    "iccid",
    "id",
    "imei",
    "imsi",
    "ipv4_address",
    "ipv6_address",
    "is_asset",
    "is_gps_supported",
    "is_upgrade_available",
    "is_upgrade_supported",
    "ltebandwidth",
    "mac",
    "manufacturer",
    "mdn",
    "meid",
    "mfg_model",
    "mfg_product",
    "mn_ha_spi",
    "mn_ha_ss",
    "mode",
    "model",
    "modem_fw",
    "mtu",
    "nai",
    "name",
    "netmask",
    "pin_status",
    "port",
    "prlv",
    "profile",
    "resource_url",
    "rfband",
    "rfchannel",
    "roam",
    "router",
    "rxchannel",
    "serial",
    "service_type",
    "ssid",
    "summary",
    "txchannel",
    "type",
    "uid",
    "updated_at",
    "uptime",
    "ver_pkg",
    "version",
    "wimax_realm",
)


def render_net_device(ctx, nd):
    body = dict.fromkeys(NET_DEVICE_KEYS)
    body.update(nd.values)
    r = nd.router
    body.update(
        account=ctx.url("accounts", r.account_id),
        id=str(nd.id),
        router=ctx.url("routers", r.id),
        resource_url=ctx.url("net_devices", nd.id),
        connection_state=nd.connection_state,
        summary=nd.summary,
        hostname=r.booted_name,
        updated_at=iso(nd.updated_at),
        uptime=nd.uptime,
        is_upgrade_available=False,
    )  # documented: "DATA FIELD IS NO LONGER VALID"; example false
    return body


def render_sample(ctx, s):
    period = s.period if s.period is not None else round(ctx.state.world.now() - s.created_at, 6)
    return {
        "created_at": iso(s.created_at),
        "created_at_timeuuid": s.created_at_timeuuid,  # L5910-5928
        "period": period,
        "router": ctx.url("routers", s.router_id),
        "state": s.state,
    }


def render_location(ctx, loc):
    # documented: the example record L4065-4262 (`router` is an int there, not a URL)
    return {
        "account": ctx.url("accounts", ctx.state.account_id),
        "accuracy": loc.accuracy,
        "altitude_meters": None,
        "id": str(loc.id),
        "latitude": loc.latitude,
        "longitude": loc.longitude,
        "method": loc.method,
        "resource_url": ctx.url("locations", loc.id),
        "router": loc.router_id,
        "updated_at": iso(loc.updated_at),
    }


def render_series(ctx, rec):
    """One record of a time series (signal, usage and stream samples, router alerts and logs):
    its data fields, when it was created, and a URL to the net_device or router it is about."""
    body = dict(rec.values, created_at=iso(rec.created_at), created_at_timeuuid=rec.created_at_timeuuid)
    if rec.nd_id is not None:
        body["net_device"] = ctx.url("net_devices", rec.nd_id)
    else:
        body["router"] = ctx.url("routers", rec.router_id)
    return body


def render_metrics(ctx, m):
    # documented: L4389-4416 (fields), L4475-4511 (the example, which also has `rssnr`)
    return dict(
        m.values, id=str(m.id), net_device=ctx.url("net_devices", m.nd_id), resource_url=ctx.url("net_device_metrics", m.id), update_ts=iso(m.update_ts)
    )


def log_id_key(text):
    """router_logs' created_at_timeuuid is "<created_at without zone>_<sequence>" in the doc's example
    (L5785), not a UUID: compared as (time, sequence)."""
    stamp, seq = text.rsplit("_", 1)
    return (datetime.fromisoformat(stamp).replace(tzinfo=timezone.utc).timestamp(), int(seq))


ID = ("int", EQ_IN, attr("id"))
# documented: the created_at and created_at_timeuuid filters every time-series table lists
# (e.g. L4530-4531); net_device / router `=, __in`.
SERIES_TIME = {"created_at": ("ts", ("gt", "lt"), attr("created_at")), "created_at_timeuuid": ("uuid", OPS, lambda s: uuid_time(s.created_at_timeuuid))}
BY_NET_DEVICE = dict(SERIES_TIME, net_device=("int", EQ_IN, attr("nd_id")))
BY_ROUTER = dict(SERIES_TIME, router=("int", EQ_IN, attr("router_id")))
SIGNAL_KEYS = ("cinr dbm ecio rsrp rsrp5g rsrp5g_highband rsrq rsrq5g rsrq5g_highband rssi rssnr signal_percent sinr sinr5g sinr5g_highband uptime").split()
METRICS_KEYS = (
    "bmask_applied bytes_in bytes_out cell_id cinr dbm ecio id lac mcc mnc net_device resource_url rsrp "
    "rsrq rssi rssnr service_type signal_strength sinr tac update_ts"
).split()
KINDS = dict(
    (k.name, k)
    for k in (
        # documented: L6111 (methods), L6115-6145 (fields and filters; the account filter's "=, in" read as __in)
        Kind(
            "routers",
            render_router,
            (
                "account actual_firmware asset_id config_status configuration_manager created_at custom1 custom2 "
                "description device_type full_product_name group id ipv4_address last_known_location locality mac "
                "name product reboot_required resource_url serial_number state state_updated_at target_firmware "
                "updated_at upgrade_pending"
            ).split(),
            {
                "account": ("int", EQ_IN, attr("account_id")),
                "asset_id": ("str", EQ_IN, attr("asset_id")),
                "description": ("str", EQ_IN, attr("description")),
                "device_type": ("str", EQ_IN, lambda r: r.product.device_type),
                "full_product_name": ("str", ("exact",), attr("full_product_name")),
                "group": ("int", EQ_IN, attr("group_id")),
                "id": ID,
                "ipv4_address": ("str", EQ_IN, attr("ipv4_address")),
                "mac": ("str", EQ_IN, attr("mac")),
                "name": ("str", EQ_IN, attr("name")),
                "reboot_required": ("bool", EQ_IN, attr("reboot_required")),
                "serial_number": ("str", EQ_IN, attr("serial_number")),
                "state": ("str", EQ_IN, attr("state")),
                "state_updated_at": ("ts", ("lt", "gt"), attr("state_updated_at")),
                "updated_at": ("ts", ("lt", "gt"), attr("updated_at")),
            },
            refs={"account": ("accounts", attr("account_id")), "group": ("groups", attr("group_id")), "product": ("products", lambda r: r.product.id)},
            expand=("account", "group"),  # documented: L8787
            detail_methods=("GET", "PUT", "DELETE"),
        ),
        # documented: L3714 (methods), L3720-3730 (fields and filters)
        Kind(
            "groups",
            render_group,
            "account configuration device_type id name product resource_url target_firmware".split(),
            {
                "account": ("int", EQ_IN, attr("account_id")),
                "device_type": ("str", EQ_IN, lambda g: g.product.device_type),
                "id": ID,
                "name": ("str", EQ_IN, attr("name")),
            },
            refs={
                "account": ("accounts", attr("account_id")),
                "product": ("products", lambda g: g.product.id),
                "target_firmware": ("firmwares", attr("target_fw")),
            },
            expand=("account",),  # inferred: L8779 "typically account, router"
            list_methods=("GET", "POST"),
            detail_methods=("GET", "PUT", "PATCH", "DELETE"),
        ),
        # documented: L1949 (methods), L1953-1964 and L8912-8918 (filters), L8927 (expand: account, router)
        Kind(
            "configuration_managers",
            render_cm,
            "account actual configuration id pending resource_url router suspended synched target version_number".split(),
            {
                "account": ("int", EQ_IN, lambda c: c.router.account_id),
                "id": ID,
                "router": ("int", EQ_IN, lambda c: c.router.id),
                # inferred: `router.<field>` filters, which the vendor SDK uses (`?router.id=`) and L9645 implies
                "router.id": ("int", EQ_IN, lambda c: c.router.id),
                "router.mac": ("str", EQ_IN, lambda c: c.router.mac),
                "router.name": ("str", EQ_IN, lambda c: c.router.name),
                "synched": ("bool", ("exact",), lambda c: c.synched()),
                "suspended": ("bool", ("exact",), attr("suspended")),
                "version_number": ("int", ("exact", "gt", "lt"), attr("version")),
            },
            refs={"account": ("accounts", lambda c: c.router.account_id), "router": ("routers", lambda c: c.router.id)},
            expand=("account", "router"),
            detail_methods=("GET", "PUT", "PATCH"),
        ),
        Kind(
            "products",
            render_product,
            "device_type id name resource_url series".split(),  # documented: L5088-5100
            {"device_type": ("str", EQ_IN, attr("device_type")), "id": ID, "name": ("str", EQ_IN, attr("name"))},
        ),
        # documented: L3299-3320 (product is not filterable)
        Kind(
            "firmwares",
            render_firmware,
            "built_at default_configuration expires_at hash id is_deprecated product released_at resource_url uploaded_at url version".split(),
            {"id": ID, "version": ("str", EQ_IN, attr("version"))},
            refs={"product": ("products", lambda f: f.product.id)},
        ),
        # documented: L340-360 (GET, POST, PUT, DELETE)
        Kind(
            "accounts",
            render_account,
            "account id is_disabled name resource_url".split(),
            {"account": ("int", EQ_IN, attr("parent_id")), "id": ID, "name": ("str", EQ_IN, attr("name"))},
            list_methods=("GET", "POST"),
            detail_methods=("GET", "PUT", "DELETE"),
        ),
        # documented: L6696-6706 (GET only)
        Kind(
            "users",
            render_user,
            "account email first_name id last_name resource_url username".split(),
            {"email": ("str", EQ_IN, attr("email")), "id": ID, "username": ("str", EQ_IN, attr("username"))},
        ),
        # documented: L1086 (methods; no PUT), L1087-1100 (fields), L203-211 (no offset)
        Kind(
            "alert_rules",
            render_rule,
            "account alert_config_id associated_accounts associated_groups "
            "email_destinations external_rules filter_criteria http_destinations last_summary_ts schedule "
            "settings updated_at".split(),
            {"alert_config_id": ("uuid", ("exact", "in", "gt", "lt"), lambda r: uuid_time(r.alert_config_id))},
            cursor="alert_config_id",
            list_methods=("GET", "POST"),
            detail_methods=("GET", "PATCH", "DELETE"),
        ),
        # documented: L828 (methods), L829-850 (fields), L203-211 (no offset)
        Kind(
            "alert_push_destinations",
            render_destination,
            "account authentication destination_config_id enabled endpoint last_error_at last_error_text name suspended updated_at".split(),
            {"destination_config_id": ("uuid", ("exact", "in", "gt", "lt"), lambda d: uuid_time(d.destination_config_id))},
            cursor="destination_config_id",
            list_methods=("GET", "POST"),
            detail_methods=("GET", "PATCH", "DELETE"),
        ),
        # documented: L4793-4862
        Kind(
            "net_devices",
            render_net_device,
            NET_DEVICE_KEYS,
            {
                "account": ("int", EQ_IN, lambda n: n.router.account_id),
                "connection_state": ("str", EQ_IN, attr("connection_state")),
                "iccid": ("str", EQ_IN, lambda n: n.values.get("iccid")),
                "id": ID,
                "imei": ("str", EQ_IN, lambda n: n.values.get("imei")),
                "ipv4_address": ("str", EQ_IN, lambda n: n.values.get("ipv4_address")),
                "ipv6_address": ("str", EQ_IN, lambda n: n.values.get("ipv6_address")),
                "is_asset": ("bool", ("exact",), lambda n: n.values.get("is_asset")),
                "mode": ("str", EQ_IN, lambda n: n.values.get("mode")),
                "router": ("int", EQ_IN, lambda n: n.router.id),
                "updated_at": ("ts", ("gt", "lt"), attr("updated_at")),
            },
            refs={"router": ("routers", lambda n: n.router.id), "account": ("accounts", lambda n: n.router.account_id)},
            expand=("router",),
        ),
        # documented: L4065-4262 (fields and filters: id and router, `=` and `__in`); GET only here
        Kind(
            "locations",
            render_location,
            "account accuracy altitude_meters id latitude longitude method resource_url router updated_at".split(),
            {"id": ID, "router": ("int", EQ_IN, attr("router_id"))},
        ),
        # documented: L5838-5850 (GET, no offset)
        Kind(
            "router_state_samples",
            render_sample,
            "created_at created_at_timeuuid period router state".split(),
            {
                "created_at": ("ts", ("gt", "lt"), attr("created_at")),
                "created_at_timeuuid": ("uuid", OPS, lambda s: uuid_time(s.created_at_timeuuid)),
                "router": ("int", EQ_IN, attr("router_id")),
            },
            cursor="created_at_timeuuid",
        ),
        # documented: L4526-4550 (fields, filters), L4611-4640 (example); no offset (L203-211): cursor paging
        Kind(
            "net_device_signal_samples",
            render_series,
            ["created_at", "created_at_timeuuid", "net_device"] + SIGNAL_KEYS,
            BY_NET_DEVICE,
            cursor="created_at_timeuuid",
        ),
        # documented: L4656-4667, L4722-4770; no offset
        Kind(
            "net_device_usage_samples",
            render_series,
            "bytes_in bytes_out created_at created_at_timeuuid net_device period uptime".split(),
            BY_NET_DEVICE,
            cursor="created_at_timeuuid",
        ),
        # documented: L5965-5976, L6040-6080; no offset
        Kind(
            "router_stream_usage_samples",
            render_series,
            "bytes_in bytes_out created_at created_at_timeuuid period router uptime".split(),
            BY_ROUTER,
            cursor="created_at_timeuuid",
        ),
        # documented: L5273-5283 (fields, filters), L5400-5456 (examples, meta {"next": null}). conflict: not in
        # the no-offset list (L203-211), yet its examples page like the time series; cursor paging here.
        # inferred: `type` filters (`=, __in`), as the doc's own example does (L182 `?type=wan_unplugged`).
        Kind(
            "router_alerts",
            render_series,
            "created_at created_at_timeuuid detected_at friendly_info info router type".split(),
            dict(BY_ROUTER, type=("str", EQ_IN, lambda a: a.values["type"])),
            cursor="created_at_timeuuid",
        ),
        # documented: L5695-5708 (fields), L5776-5812 (example: offset paging, meta `count`, "GET requests
        # require the router ID"). conflict: the table lists router `=` only; netcloudapi (PyPI 0.3b1) sends
        # `router__in`, so both are taken.
        Kind(
            "router_logs",
            render_series,
            "created_at created_at_timeuuid exception level message reported_at router sequence source".split(),
            {
                "created_at": ("ts", ("gt", "lt"), attr("created_at")),
                "created_at_timeuuid": ("logid", OPS, lambda entry: log_id_key(entry.created_at_timeuuid)),
                "router": ("int", EQ_IN, attr("router_id")),
            },
            required=("router",),
            count_meta=True,
        ),
        # documented: L4389-4416; one record per net_device, id = the net_device's (example L4482-4494);
        # "Expansion is supported to the net_devices endpoint" (L4379). bmask_applied `=`, net_device
        # `=, __in`, update_ts `__gt, __lt`.
        Kind(
            "net_device_metrics",
            render_metrics,
            METRICS_KEYS,
            {
                "bmask_applied": ("bool", ("exact",), lambda m: m.values["bmask_applied"]),
                "id": ID,
                "net_device": ("int", EQ_IN, attr("nd_id")),
                "update_ts": ("ts", ("gt", "lt"), attr("update_ts")),
            },
            refs={"net_device": ("net_devices", attr("nd_id"))},
            expand=("net_device",),
        ),
    )
)
SERIES_KINDS = ("net_device_signal_samples", "net_device_usage_samples", "router_stream_usage_samples", "router_alerts", "router_logs", "net_device_metrics")
WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")
# documented: L6832-6866 lists these too; they are not simulated and answer 404 "not simulated".
UNSIMULATED = frozenset(
    (
        "activity_logs alerts batteries device_app_bindings device_app_states device_app_versions "
        "device_apps failovers forwarding_lan_details historical_locations "
        "net_device_health overlay_network_bindings router_lans speed_test"
    ).split()
)


# ---------------------------------------------------------------------------------------------
# The fleet
# ---------------------------------------------------------------------------------------------


class Product(Rec):
    pass


# id, name, device_type, series, full product name, radios, modems. documented: ids 1-4, 23, 28,
# 29, 41, 48 and their names (L5154-5222, L3817, L3863, L6287, L6219); inferred: 46, 53, 58.
PRODUCTS = (
    (1, "MBR1400", "router", 3, "MBR1400", 1, 1),
    (2, "MBR1400v2", "router", 3, "MBR1400v2", 1, 1),
    (3, "CBR400", "router", 3, "CBR400", 1, 0),
    (4, "CBR450", "router", 3, "CBR450", 1, 0),
    (23, "IBR1100", "router", 3, "IBR1100LPE", 1, 1),
    (28, "AER3100", "router", 3, "AER3100", 2, 1),
    (29, "AER3150", "router", 3, "AER3150", 2, 1),
    (41, "AER2200", "router", 3, "AER2200-600M", 2, 2),
    (46, "IBR900", "router", 3, "IBR900-1200M-B", 2, 1),
    (48, "AP22", "access_point", 3, "AP22", 2, 0),
    (53, "E300", "router", 3, "E300-C18B", 2, 1),
    (58, "IBR1700", "router", 3, "IBR1700-1200M", 2, 2),
)
FLEET_MIX = ("IBR900", "AER2200", "E300", "IBR900", "IBR1700", "AER2200", "IBR900", "E300", "IBR1100", "AP22")
VERSIONS = (("7.22.60", True), ("7.23.40", False), ("7.24.10", False))  # (version, deprecated)
SITES = ("Retail", "Depots", "Clinics", "Kiosks", "Branches", "Trucks")
CARRIERS = (("Verizon", "311480"), ("AT&T", "310410"), ("T-Mobile", "310260"))
PEOPLE = (("Ada", "Lovelace"), ("Grace", "Hopper"), ("Linus", "Torvalds"), ("Radia", "Perlman"), ("Vint", "Cerf"))


def _randint(rng, low, high):
    """random.randint without its argument checks (the seed draws ~16 numbers per router)."""
    return low + int(rng.random() * (high - low + 1))


def _setting(world, name, default):
    for key in ("ncm_" + name, name):
        value = world.seed.setting(key, None)
        if value is not None:
            return float(value)
    return float(default)


class ConfigManager(Rec):
    """One router's configuration manager (documented: L8852-8894)."""

    def group_config(self):
        group = self.state.groups.get(self.router.group_id)
        return group.config if group is not None else [{}, []]

    def target(self):
        group = self.state.groups.get(self.router.group_id)
        key = (self.config_rev, group.id if group else None, group.config_rev if group else None)
        if self.target_key != key:
            self.target_key, self.target_cache = key, layer(self.group_config(), self.config)
        return self.target_cache

    def synched(self):
        return self.actual_version == self.version

    def status(self):
        # documented: L6120 "synched, pending or suspended"
        return "suspended" if self.suspended else ("synched" if self.synched() else "pending")

    def _with_version(self, diff, version):
        return [dict(diff[0], ecm={"config_version": version}), list(diff[1])]

    def target_view(self):
        # documented: L2351, L8960 — the target carries ecm.config_version; the configuration does not
        return mask_diff(self._with_version(self.target(), self.version))

    def actual_view(self):
        if self.router.actual_fw is None:
            return [{}, []]  # never connected: nothing reported
        view = self._with_version(self.actual, self.actual_version)
        removed = set(tuple(p) for p in view[1])
        return mask_diff([device_form(view[0], self.router.product.defaults, removed), view[1]])

    def pending(self):
        r = self.router
        # documented: L8880 — empty when synched, and empty while actual and target firmware differ
        if self.synched() or (r.target_fw is not None and r.actual_fw != r.target_fw):
            return [{}, []]
        defaults = r.product.defaults
        diff = tree_diff(apply_diff(defaults, self.actual), apply_diff(defaults, self.target()))
        diff[0]["ecm"] = {"config_version": self.version}  # documented: L9600-9612
        return mask_diff(diff)


# Signal of a modem's newest sample, by tier: (dbm, rsrp, rsrq, sinr, signal_percent). inferred: figures
# in the doc's example range (L4615-4632: dbm -69, rsrp -96, rsrq -10, sinr 16.4, 100%) and the usual
# LTE bands (poor: rsrp below -110 dBm, rsrq below -15 dB, sinr below 0 dB).
SIGNAL_TIERS = {"good": (-69, -92.0, -9.0, 16.4, 90), "fair": (-83, -104.0, -13.0, 4.2, 50), "poor": (-101, -119.0, -18.0, -3.5, 12)}
SAMPLES = 3  # samples per series, an hour apart (L4521: modems report hourly by default)


def signal_tier(router_index, modem_number):
    """Deterministic spread: of every four modems two are good, one fair, one poor."""
    return ("good", "good", "fair", "poor")[(router_index + modem_number) % 4]


class Series(object):
    """The seed's time series: signal and usage samples per net_device, stream usage samples,
    alerts and logs per router, and the net_device_metrics that sum them up. Deterministic: its own
    random stream and times before SEED_EPOCH. Built lazily, since only a few tests read it."""

    def __init__(self, state):
        self.state = state
        self.rng = state.world.seed.rng("ncm-series")
        self.out = dict((kind, []) for kind in SERIES_KINDS)

    def build(self):
        state = self.state
        for rid in state.router_order:
            r = state.routers[rid]
            if not r.nds:
                continue  # never connected: nothing reported
            newest = SEED_EPOCH - 60 * (r.index % 60)
            self._router(r, newest)
            for nd in r.nds:
                self._net_device(r, nd, newest)
        for kind in SERIES_KINDS:
            if kind == "router_logs":  # newest batch first, a batch in its sequence order (L5776-5805)
                self.out[kind].sort(key=lambda rec: (-rec.created_at, rec.values["sequence"]))
            elif kind != "net_device_metrics":  # newest first, as the cursor pages (uuid_time's order, unparsed)
                self.out[kind].sort(key=lambda rec: (int(rec.created_at * 1e7), rec.created_at_timeuuid), reverse=True)
        return self.out

    def _add(self, kind, created, values, r, nd=None, log_id=None):
        rec = Rec(created_at=created, values=values, router_id=r.id, nd_id=nd.id if nd else None, created_at_timeuuid=log_id or timeuuid(created, self.rng))
        self.out[kind].append(rec)
        return rec

    def _router(self, r, newest):
        draw = self.rng.random
        for h in range(SAMPLES):  # documented shape: L6040-6080
            self._add(
                "router_stream_usage_samples",
                newest - h * 3660,
                {
                    "bytes_in": 3600 + int(draw() * 400),
                    "bytes_out": 15000 + int(draw() * 3500),
                    "period": round(3660 + draw(), 9),
                    "uptime": round(r.nds[0].uptime - h * 3660, 6),
                },
                r,
            )
        eth = r.nds[0]
        login, wan = newest - 2 * 86400, newest - 3 * 86400
        for created, kind, friendly, info in (  # documented: the two records of L5400-5456
            (
                login,
                "login_success",
                "User admin has logged into the router from 127.0.0.1.",
                {"ip": "127.0.0.1", "time": [_clock(login), "UTC"], "type": "login_success", "user": "admin"},
            ),
            (
                wan,
                "ethernet_wan_connected",
                'The ethernet port "Ethernet" has connected to the network.',
                {
                    "alert_type": "ethernet_wan_connected",
                    "history": [],
                    "status": "connected",
                    "info": {"mac": eth.values["mac"], "port": "Ethernet", "raw_port": "eth0", "reason": "Manual", "type": "ethernet", "uid": "wan"},
                    "time": [_clock(wan), "UTC"],
                    "type": "wan_status_change",
                },
            ),
        ):
            self._add("router_alerts", created, {"detected_at": iso(created - 1.285), "friendly_info": friendly, "info": info, "type": kind}, r)
        if r.group_id is None:
            return  # documented: L5682-5686, only grouped devices report logs
        for batch in range(2):  # documented shape: L5776-5805
            created = newest - batch * 3600
            for seq, (level, source, message) in enumerate(
                (("INFO", "upgrade", "Checking upgrade server for pkg"), ("WARNING" if batch else "INFO", "wan", "Modem signal check on %s" % r.name))
            ):
                stamp = datetime.fromtimestamp(created, timezone.utc).replace(tzinfo=None).isoformat("T", "microseconds")
                self._add(
                    "router_logs",
                    created,
                    {"exception": None, "level": level, "message": message, "reported_at": iso(created - 300, "seconds"), "sequence": seq, "source": source},
                    r,
                    log_id="%s_%d" % (stamp, seq),
                )

    def _net_device(self, r, nd, newest):
        draw = self.rng.random
        modem = nd.values["type"] == "mdm"
        usage = []
        for h in range(SAMPLES):  # documented shape: L4722-4770
            usage.append(
                self._add(
                    "net_device_usage_samples",
                    newest - h * 3600 - 1,
                    {
                        "bytes_in": 100000 + int(draw() * 1e8),
                        "bytes_out": 50000 + int(draw() * 5e7),
                        "period": round(3600 + draw() * 5, 9),
                        "uptime": round(max(1.0, nd.uptime - h * 3600), 6),
                    },
                    r,
                    nd,
                )
            )
        values = dict.fromkeys(METRICS_KEYS)
        for key in ("id", "net_device", "resource_url", "update_ts"):
            del values[key]
        values.update(
            bytes_in=sum(u.values["bytes_in"] for u in usage),
            bytes_out=sum(u.values["bytes_out"] for u in usage),
            service_type="Ethernet" if not modem else nd.values["service_type"],
        )
        update_ts = usage[0].created_at
        if modem:
            number = r.nds.index(nd) - 1
            dbm, rsrp, rsrq, sinr, percent = SIGNAL_TIERS[signal_tier(r.index, number)]
            for h in range(SAMPLES):  # documented shape: L4615-4635; older samples wander a little
                jitter = 0 if h == 0 else round(draw() * 6 - 3, 1)
                sample = dict.fromkeys(SIGNAL_KEYS)
                sample.update(
                    dbm=dbm + int(jitter),
                    rsrp=rsrp + jitter,
                    rsrq=rsrq + round(jitter / 3, 1),
                    sinr=round(sinr + jitter, 1),
                    signal_percent=max(0, min(100, percent + int(jitter * 3))),
                    uptime=round(max(1.0, nd.uptime - h * 3600), 6),
                )
                self._add("net_device_signal_samples", newest - h * 3600, sample, r, nd)
            plmn = nd.values["homecarrid"]
            values.update(
                bmask_applied=False,
                cell_id=str(21234 + r.index),
                dbm=dbm,
                mcc=plmn[:3],
                mnc=plmn[3:],
                rsrp=rsrp,
                rsrq=rsrq,
                signal_strength=percent,
                sinr=sinr,
                tac=str(11802 + r.index % 50),
            )
            update_ts = newest
        self.out["net_device_metrics"].append(Rec(id=nd.id, nd_id=nd.id, router_id=r.id, values=values, update_ts=update_ts))


def _clock(epoch):
    """The "YYYY-MM-DD HH:MM:SS" of an alert's info.time (L5412)."""
    return datetime.fromtimestamp(epoch, timezone.utc).strftime("%Y-%m-%d %H:%M:%S")


class State(object):
    def __init__(self, world):
        self.world = world
        fleet = world.seed
        self.rng = fleet.rng("ncm")
        self.sync_seconds = _setting(world, "sync_seconds", 1.0)
        self.reboot_seconds = _setting(world, "reboot_seconds", 3.0)
        self.reboot_delay = _setting(world, "reboot_delay", 0.2)
        status = fleet.setting("ncm_config_error_status", None)
        self.config_error_status = int(status) if status is not None else None
        self.events = []
        self.event_seq = itertools.count()
        self.api_calls = 0  # calls attributed to the account (documented: L40-45)
        self.reboots = []  # every reboot request, delivered or lost
        self._series = None  # the time series and metrics, built on first use (`series`)
        self._seed(fleet.size)

    # ---- seeding --------------------------------------------------------------------------

    def _seed(self, size):
        rng = self.rng
        self.products = {}
        for pid, name, dtype, series, full, radios, modems in PRODUCTS:
            p = Product(id=pid, name=name, device_type=dtype, series=series, full_name=full, radios=radios, modems=modems)
            p.defaults = default_config(p)
            p.dtd = build_dtd(radios)
            self.products[pid] = p
        by_name = dict((p.name, p) for p in self.products.values())
        self.firmwares = {}
        fw_id = itertools.count(3771, 7)  # documented: firmware 3771 appears at L142
        latest = {}
        for p in self.products.values():
            for n, (version, deprecated) in enumerate(VERSIONS):
                f = Rec(
                    id=next(fw_id),
                    product=p,
                    version=version,
                    is_deprecated=deprecated,
                    built_at=SEED_EPOCH - (len(VERSIONS) - n) * 90 * 86400,
                    expires_at=SEED_EPOCH + (n + 1) * 365 * 86400,
                    hash=hashlib.sha1(("%s-%s" % (p.name, version)).encode()).hexdigest(),
                )
                self.firmwares[f.id] = f
                latest[p.id] = f.id
        root = Rec(id=35065, parent_id=35065, name="sim-account")  # documented id: L1302
        sub = Rec(id=84954, parent_id=35065, name="sim-subaccount")  # documented id: L474
        self.accounts = {root.id: root, sub.id: sub}
        self.account_id = root.id
        self.users = {}
        for n, (first, last) in enumerate(PEOPLE):  # documented ids 63944 and 111032: L6776, L6785
            uid = (63944, 111032)[n] if n < 2 else 111032 + n * 17
            self.users[uid] = Rec(
                id=uid,
                account_id=root.id,
                first_name=first,
                last_name=last,
                email="%s.%s@example.com" % (first.lower(), last.lower()),
                username="%s%s" % (first[0].lower(), last.lower()),
            )
        self.groups = {}
        self.routers = {}
        self.router_order = []
        self.cms = {}
        self.net_devices = {}
        self.samples = []
        self.rules = {}
        self.destinations = {}
        self.group_ids = itertools.count(216763, 37)  # documented id: L6280
        # One or two groups per product in the fleet; the first of each carries a group config.
        kinds = [by_name[FLEET_MIX[i % len(FLEET_MIX)]] for i in range(size)]
        groups_of = {}
        for p in sorted(set(kinds), key=lambda p: FLEET_MIX.index(p.name)):
            count = 1 if kinds.count(p) < 40 else 2
            for n in range(count):
                site = SITES[(len(self.groups)) % len(SITES)]
                config = (
                    [
                        {
                            "wlan": {"radio": {"0": {"bss": {"0": {"ssid": "%s-Corp" % site, "wpapsk": "%s-%s-psk" % (site.lower(), p.name.lower())}}}}},
                            "system": {"logging": {"level": "warning"}},
                        },
                        [],
                    ]
                    if n == 0
                    else [{}, []]
                )
                g = self._new_group("%s %s" % (site, p.name), p, latest[p.id], config)
                groups_of.setdefault(p.id, []).append(g.id)
        # An empty group for demos of group membership changes.
        spare = by_name[FLEET_MIX[0]]
        self._new_group("Staging %s" % spare.name, spare, latest[spare.id], [{}, []])
        router_ids = itertools.count(2162719, 13)  # documented id: L6281
        nd_ids = itertools.count(32081658, 5)  # documented id: L4940
        for i, p in enumerate(kinds):
            self._seed_router(i, next(router_ids), p, groups_of, latest, nd_ids, size)
        now = SEED_EPOCH
        dest = Rec(
            destination_config_id=timeuuid(now - 86400 * 30, rng),
            account_id=root.id,
            name="noc-webhook",
            url="https://noc.example.com/ncm-alerts",
            secret="noc-webhook-secret",
            enabled=True,
            suspended=False,
            updated_at=now - 86400 * 30,
        )
        self.destinations[dest.destination_config_id] = dest
        first_group = next(iter(self.groups))
        for n, (types, schedule, http) in enumerate(
            ((["connection_state", "reboot_status_change"], None, True), (["config_rejected", "firmware_upgrade"], "daily", False))
        ):
            t = now - 86400 * (20 - n)
            rule = Rec(
                alert_config_id=timeuuid(t, rng),
                account_id=root.id,
                associated_accounts=[],
                associated_groups=[first_group],
                email_destinations=[63944] if not http else [],
                filter_criteria={"alert_type__in": types},
                http_destinations=[dest.destination_config_id] if http else [],
                schedule=schedule,
                settings=None,
                updated_at=t,
            )
            self.rules[rule.alert_config_id] = rule

    def _new_group(self, name, product, fw, config):
        g = Rec(id=next(self.group_ids), name=name, account_id=self.account_id, product=product, target_fw=fw, config=config, config_rev=0, members=set())
        self.groups[g.id] = g
        return g

    def _seed_router(self, i, rid, p, groups_of, latest, nd_ids, size):
        rng = self.rng
        mac_tail = rng.getrandbits(24)
        mac = "00:30:44:%02X:%02X:%02X" % (mac_tail >> 16, (mac_tail >> 8) & 0xFF, mac_tail & 0xFF)  # Cradlepoint OUI
        name = "%s-%03x" % (p.name, mac_tail & 0xFFF)  # documented style: "AER2200-b09" (L6286)
        never = size >= 50 and i == size - 1  # a never-connected access point (documented: L6240-6268)
        group_ids = groups_of.get(p.id, [])
        group_id = None if never or (i % 8 == 5) or not group_ids else group_ids[(i // len(FLEET_MIX)) % len(group_ids)]
        online = i != 2 and (i < 2 or rng.random() >= 0.1)  # router 2 is offline in every fleet
        created = SEED_EPOCH - _randint(rng, 30, 900) * 86400 + rng.random()
        fw = self.groups[group_id].target_fw if group_id else latest[p.id] - 7 * (i % 2)
        r = Rec(
            id=rid,
            name=name,
            mac=mac,
            product=p,
            full_product_name="unknown" if never else p.full_name,
            serial_number=None if never else "%s%08d" % (("MM", "WA", "WB")[i % 3], _randint(rng, 0, 99999999)),
            account_id=self.account_id,
            group_id=group_id,
            actual_fw=None if never else fw,
            target_fw=self.groups[group_id].target_fw if group_id else None,
            state="initialized" if never else ("online" if online else "offline"),
            state_updated_at=None if never else SEED_EPOCH - _randint(rng, 60, 20 * 86400) + rng.random(),
            created_at=created,
            updated_at=created + _randint(rng, 1, 29) * 86400 + rng.random(),
            description=None if i % 3 else "Site %d" % (i + 1),
            asset_id=None if i % 4 else "A-%05d" % i,
            custom1=None,
            custom2=None,
            locality=("US/Mountain", "US/Eastern", "Europe/Copenhagen")[i % 3],
            ipv4_address=None
            if never
            else "%d.%d.%d.%d" % ((65, 70, 98, 160, 166)[_randint(rng, 0, 4)], _randint(rng, 0, 255), _randint(rng, 0, 255), _randint(rng, 1, 254)),
            reboot_required=False,
            upgrade_pending=False,
            booted_name=name,
            rebooting=False,
            nds=[],
            last_sample=None,
        )
        # Individual config: every third router overrides the group's SSID; every fifth runs its modem
        # rule disabled. inferred: a plausible spread of per-device settings.
        updates = {}
        if i % 3 == 1:
            updates["wlan"] = {"radio": {"0": {"bss": {"0": {"ssid": "%s-wifi" % name, "wpapsk": "%08x-psk" % mac_tail}}}}}
        if i % 5 == 4 and p.modems:
            updates["wan"] = {"rules2": {RULE_IDS[2]: {"_id_": RULE_IDS[2], "disabled": True}}}
        cm = ConfigManager(id=rid + 890, router=r, state=self, config=[updates, []], config_rev=0, target_key=None, target_cache=None, suspended=False)
        r.cm = cm
        if group_id:
            self.groups[group_id].members.add(rid)
        cm.version = cm.actual_version = _randint(rng, 1, 40)
        cm.actual = cm.target() if not never else [{}, []]  # diffs are never changed in place
        r.index = i
        self.routers[rid] = r
        self.router_order.append(rid)
        self.cms[cm.id] = cm
        if not never:
            self._seed_net_devices(r, nd_ids)

    def _seed_net_devices(self, r, nd_ids):
        rng = self.rng
        seen = r.state_updated_at
        eth = Rec(
            id=next(nd_ids),
            router=r,
            updated_at=seen,
            uptime=round(rng.uniform(3600, 900000), 6),
            connection_state="connected",
            summary="connected",
            values={
                "carrier": None,
                "dns0": "8.8.8.8",
                "dns1": "1.1.1.1",
                "gateway": r.ipv4_address.rsplit(".", 1)[0] + ".1",
                "ipv4_address": r.ipv4_address,
                "is_asset": False,
                "is_gps_supported": False,
                "is_upgrade_supported": False,
                "mac": r.mac.lower(),
                "mode": "wan",
                "mtu": 1500,
                "name": "ethernet-wan",
                "netmask": "255.255.255.0",
                "port": "wan",
                "service_type": "DHCP",
                "type": "ethernet",
                "uid": "wan",
            },
        )  # documented: L1691 (uid "wan")
        r.nds.append(eth)
        for n in range(r.product.modems):
            carrier, plmn = CARRIERS[(r.id + n) % len(CARRIERS)]
            uid = "%08x" % rng.getrandbits(32)
            imei = "35354706%07d" % _randint(rng, 0, 9999999)
            modem = Rec(
                id=next(nd_ids),
                router=r,
                updated_at=seen,
                uptime=round(rng.uniform(600, 900000), 6),
                connection_state="connected",
                summary="connected",
                values={  # documented: L4923-4996
                    "carrier": carrier,
                    "carrier_id": carrier,
                    "gsn": imei,
                    "homecarrid": plmn,
                    "iccid": "8901%015d" % _randint(rng, 0, 10**15 - 1),
                    "imei": imei,
                    "imsi": plmn + "%09d" % _randint(rng, 0, 10**9 - 1),
                    "ipv4_address": "10.%d.%d.%d" % (_randint(rng, 0, 255), _randint(rng, 0, 255), _randint(rng, 1, 254)),
                    "is_asset": True,
                    "is_gps_supported": True,
                    "is_upgrade_supported": True,
                    "ltebandwidth": "20",
                    "manufacturer": "Sierra Wireless, Incorporated",
                    "mdn": "1303%07d" % _randint(rng, 0, 9999999),
                    "mfg_model": "EM7511",
                    "mfg_product": "Internal LP6 (SIM%d)" % (n + 1),
                    "mode": "wan",
                    "model": "Internal LP6 (SIM%d)" % (n + 1),
                    "modem_fw": "SWI9X50C_01.14.03.00",
                    "mtu": 1428,
                    "name": "mdm-%s" % uid,
                    "netmask": "255.255.255.252",
                    "pin_status": "READY",
                    "port": "int1",
                    "rfband": "Band 13",
                    "rfchannel": "5230",
                    "roam": "1",
                    "serial": imei,
                    "service_type": "LTE",
                    "type": "mdm",
                    "uid": uid,
                    "ver_pkg": "01.14.03.00_GENERIC",
                    "version": "SWI9X50C_01.14.03.00",
                },
            )
            modem.rule_id = RULE_IDS[4] if n else RULE_IDS[2]  # inferred: SIM1 matches the LTE rule
            r.nds.append(modem)
        eth.rule_id = RULE_IDS[0]
        for nd in r.nds:
            self.net_devices[nd.id] = nd
        self._apply_wan_state(r)

    # ---- lookups, caching ---------------------------------------------------------------

    def locations(self):
        """inferred: two routers of every three have a location (GPS, or set by hand for every fourth), at
        positions spread from the doc's example (43.578, -116.191); never-connected routers have none."""
        found = []
        for i in self.router_order:
            r = self.routers[i]
            if r.index % 3 == 2 or not r.nds:
                continue
            found.append(
                Rec(
                    id=900000 + r.index,
                    router_id=r.id,
                    latitude=round(43.5 + (r.index % 40) * 0.01, 6),
                    longitude=round(-116.2 + (r.index // 40) * 0.01, 6),
                    accuracy=0 if r.index % 4 == 0 else 12,
                    method="manual" if r.index % 4 == 0 else "gps",
                    updated_at=SEED_EPOCH - 3600 * r.index,
                )
            )
        return found

    def series(self, kind):
        """The records of a time-series kind (or net_device_metrics) whose router still exists."""
        if self._series is None:
            self._series = Series(self).build()
        return [rec for rec in self._series[kind] if rec.router_id in self.routers]

    def lookup(self, kind, ident):
        if kind == "net_device_metrics":
            return next((m for m in self.series(kind) if str(m.id) == str(ident)), None)
        store = {
            "routers": self.routers,
            "groups": self.groups,
            "configuration_managers": self.cms,
            "products": self.products,
            "firmwares": self.firmwares,
            "accounts": self.accounts,
            "users": self.users,
            "net_devices": self.net_devices,
            "alert_rules": self.rules,
            "alert_push_destinations": self.destinations,
        }.get(kind)
        if store is None or ident is None:
            return None
        if kind in ("alert_rules", "alert_push_destinations"):
            return store.get(str(ident))
        try:
            return store.get(int(ident))
        except (TypeError, ValueError):
            return None

    def all(self, kind):
        if kind == "routers":
            return [self.routers[i] for i in self.router_order]
        if kind == "alert_rules":  # newest first, as the cursor pages (inferred)
            return sorted(self.rules.values(), key=lambda r: uuid_time(r.alert_config_id), reverse=True)
        if kind == "alert_push_destinations":
            return sorted(self.destinations.values(), key=lambda d: uuid_time(d.destination_config_id), reverse=True)
        if kind == "router_state_samples":
            return sorted(self.samples, key=lambda s: uuid_time(s.created_at_timeuuid), reverse=True)
        if kind == "configuration_managers":
            return [self.routers[i].cm for i in self.router_order]
        if kind == "net_devices":
            return [nd for i in self.router_order for nd in self.routers[i].nds]
        if kind in SERIES_KINDS:
            return self.series(kind)
        if kind == "locations":
            return self.locations()
        store = {"groups": self.groups, "products": self.products, "firmwares": self.firmwares, "accounts": self.accounts, "users": self.users}[kind]
        return [store[k] for k in sorted(store)]

    def encoded(self, ctx, kind, obj):
        """The record's JSON, cached per base URL until its `rev` moves."""
        name = kind.name
        if name == "routers":
            rev = obj.rev
        elif name == "net_devices":
            rev = (obj.rev, obj.router.rev)
        elif name == "configuration_managers":  # every change to a manager touches its router
            group = self.groups.get(obj.router.group_id)
            rev = (obj.router.rev, group.id if group else None, group.config_rev if group else None)
        else:
            return dumps(kind.render(ctx, obj))
        cached = obj.cached
        if cached is None or cached[0] != ctx.base or cached[1] != rev:
            cached = obj.cached = (ctx.base, rev, dumps(kind.render(ctx, obj)))
        return cached[2]

    def touch(self, r, attribute_update=False):
        r.rev += 1
        if attribute_update:  # documented: L6143 updated_at is the last *attribute* update
            r.updated_at = self.world.now()

    # ---- the clock ----------------------------------------------------------------------

    def later(self, delay, action, *args):
        heapq.heappush(self.events, (self.world.now() + delay, next(self.event_seq), action, args))

    def tick(self):
        now = self.world.now()
        while self.events and self.events[0][0] <= now:
            action, args = heapq.heappop(self.events)[2:]
            action(*args)

    # ---- config changes ---------------------------------------------------------------------

    def retarget(self, r):
        """After a change to a router's config layers: bump the version iff the target changed."""
        cm = r.cm
        before = cm.target_cache if cm.target_key is not None else None
        cm.config_rev += 1
        self.touch(r)  # the individual config may have changed even where the target did not
        if before is not None and before == cm.target():
            return False
        cm.version += 1  # documented: L8892, version_number increments on every target change
        self.schedule_sync(r)
        return True

    def schedule_sync(self, r):
        if r.state == "online" and not r.cm.suspended:
            self.later(self.sync_seconds, self.sync, r.id)

    def sync(self, rid):
        """The router takes its target config (documented: L8866-8894, L9930-9950)."""
        r = self.routers.get(rid)
        if r is None or r.state != "online" or r.cm.suspended or r.cm.synched():
            return
        if r.target_fw is not None and r.actual_fw != r.target_fw:
            return  # the firmware upgrade comes first; `go_online` syncs afterwards
        cm = r.cm
        full = apply_diff(r.product.defaults, cm.target())
        remote = full.get("firewall", {}).get("remote_admin", {})
        if remote.get("enabled") and not remote.get("secure_only") and "port" not in remote:
            # documented: L9924-9940, the device's own dynamic check rejects this; sync is suspended
            cm.suspended = True
        else:
            cm.actual = cm.target()  # shared: diffs are replaced, never changed in place
            cm.actual_version = cm.version
            self._apply_wan_state(r)
        self.touch(r)

    def _apply_wan_state(self, r):
        """inferred: a WAN whose rules2 entry is disabled in the synched config is disconnected."""
        wan = r.cm.actual[0].get("wan")
        rules = wan.get("rules2") if isinstance(wan, dict) else None
        rules = rules if isinstance(rules, dict) else {}
        defaults = r.product.defaults["wan"]["rules2"]
        for nd in r.nds:
            rule = rules.get(nd.rule_id) if isinstance(rules.get(nd.rule_id), dict) else {}
            disabled = rule.get("disabled", defaults[nd.rule_id]["disabled"])
            state, summary = ("disconnected", "disabled") if disabled else ("connected", "connected")
            if (nd.connection_state, nd.summary) != (state, summary):
                nd.connection_state, nd.summary, nd.updated_at = state, summary, self.world.now()
                nd.rev += 1

    # ---- router state ----------------------------------------------------------------------

    def set_state(self, r, state):
        now = self.world.now()
        if r.last_sample is not None:
            r.last_sample.period = round(now - r.last_sample.created_at, 6)
        sample = Rec(created_at=now, created_at_timeuuid=timeuuid(now, self.rng), router_id=r.id, state=state, period=None)
        self.samples.append(sample)
        r.last_sample = sample
        r.state, r.state_updated_at = state, now  # documented: L6141 state_updated_at
        self.touch(r)

    def reboot(self, r):
        """documented: L5229-5238 — sent as soon as possible if online; lost if offline."""
        delivered = r.state == "online" and not r.rebooting
        self.reboots.append({"router": r.id, "at": self.world.now(), "delivered": delivered})
        if delivered:
            r.rebooting = True
            self.later(self.reboot_delay, self.go_offline, r.id)
        return delivered

    def go_offline(self, rid):
        r = self.routers.get(rid)
        if r is None:
            return
        self.set_state(r, "offline")
        self.later(self.reboot_seconds, self.go_online, rid)

    def go_online(self, rid):
        r = self.routers.get(rid)
        if r is None:
            return
        r.rebooting = False
        r.reboot_required = False
        if r.target_fw is not None and r.actual_fw != r.target_fw:
            r.actual_fw = r.target_fw  # documented: L3708, the upgrade to the group's firmware
            r.upgrade_pending = False
            self.touch(r, attribute_update=True)
        r.booted_name = r.name  # documented: L8707-8711, net_devices hostname updates after a reboot
        now = self.world.now()
        for nd in r.nds:
            nd.uptime, nd.updated_at = round(self.rng.uniform(5, 30), 6), now
            nd.rev += 1
        self.set_state(r, "online")
        if not r.cm.synched():
            self.later(self.sync_seconds, self.sync, rid)

    def upgrade(self, r):
        """documented: L3708 — a router added to a group is upgraded to the group's firmware.
        inferred: an online router downloads it (sync delay), then reboots into it."""
        if r.target_fw is None or r.actual_fw == r.target_fw or r.actual_fw is None:
            r.upgrade_pending = False
            return
        r.upgrade_pending = True
        if r.state == "online" and not r.rebooting:
            r.rebooting = True
            self.later(self.sync_seconds, self.go_offline, r.id)

    def move(self, r, group):
        old = self.groups.get(r.group_id)
        if old is not None:
            old.members.discard(r.id)
        r.group_id = group.id if group else None
        if group is not None:
            group.members.add(r.id)
        r.target_fw = group.target_fw if group else None  # documented: L6142 "assigned to the router's group"
        self.upgrade(r)
        self.retarget(r)  # documented: L10076-10088, the group layer comes or goes with membership
        self.touch(r, attribute_update=True)

    # ---- the core's contract ----------------------------------------------------------

    def expire_tokens(self):
        """NCM v2 has no tokens (four static headers, L17-45): nothing to expire."""

    def dump(self):
        return {
            "account": self.account_id,
            "api_calls": self.api_calls,
            "reboots": list(self.reboots),
            "routers": [
                {
                    "id": r.id,
                    "name": r.name,
                    "state": r.state,
                    "group": r.group_id,
                    "product": r.product.name,
                    "actual_firmware": r.actual_fw,
                    "target_firmware": r.target_fw,
                    "config_status": r.cm.status(),
                    "version_number": r.cm.version,
                    "configuration_manager": r.cm.id,
                    "configuration": r.cm.config,
                }
                for r in (self.routers[i] for i in self.router_order)
            ],
            "groups": [
                {"id": g.id, "name": g.name, "product": g.product.name, "target_firmware": g.target_fw, "configuration": g.config, "routers": sorted(g.members)}
                for g in self.groups.values()
            ],
            "alert_rules": [dict(vars(r), rev=None, cached=None) for r in self.rules.values()],
            "alert_push_destinations": [
                {"id": d.destination_config_id, "name": d.name, "url": d.url, "enabled": d.enabled, "suspended": d.suspended}
                for d in self.destinations.values()
            ],
            "accounts": [{"id": a.id, "name": a.name, "parent": a.parent_id} for a in self.accounts.values()],
        }


# ---------------------------------------------------------------------------------------------
# Request plumbing
# ---------------------------------------------------------------------------------------------


def authenticate(request, state):
    headers = request.headers
    cp_ok = (headers.get("x-cp-api-id"), headers.get("x-cp-api-key")) == CP_KEYS
    if cp_ok:
        state.api_calls += 1  # documented: L40-45, valid CP keys make a call count, even with bad ECM keys
    role = ECM_KEYS.get((headers.get("x-ecm-api-id"), headers.get("x-ecm-api-key")))
    if not cp_ok or role is None:
        raise unauthorized()  # documented: L293-301
    return role


async def read_body(ctx):
    # documented: L123 (PUT and POST), L9838 (PUT and PATCH) must send Content-Type application/json.
    # inferred: without it, 400 in the generic shape.
    if "json" not in ctx.request.headers.get("content-type", ""):
        raise error(400, "Content-Type must be 'application/json'")
    raw = await ctx.request.body()
    try:
        body = json.loads(raw.decode("utf-8") if raw else "")
    except ValueError as exc:
        # documented: L313-321, an undecodable body answers the server_error shape with the JSON
        # parser's message; the status is 400 per L9354 (unquoted numeric key -> 400 Bad Request).
        raise ApiError(400, {"exception": {"message": str(exc), "type": "server_error"}, "errors": []})
    if not isinstance(body, dict):
        raise invalid([{"__all__": "the request body must be a JSON object"}])
    return body


def parse_ref(value, kind, field, allow_id=False):
    """A URL field in a request (documented: L6868-6875: a full URI) -> the referenced id.

    Any host and API prefix is accepted as long as the path ends in `<kind>/<id>/`: the vendor SDK
    sends `/api/v1/accounts/<id>/` (create_group_by_parent_id) and the real host for groups
    (assign_router_to_group). A bare id is accepted for `account` only (documented: L8872)."""
    if allow_id and (isinstance(value, int) and not isinstance(value, bool) or isinstance(value, str) and value.isdigit()):
        return int(value)
    if isinstance(value, str):
        match = re.search(r"/%s/(\d+)/?$" % kind, urlsplit(value).path)
        if match:
            return int(match.group(1))
    raise invalid([{field: "'%s' is not a URI of the %s resource" % (value, kind)}])


def check_fields(body, writable, readonly, current=None):
    """documented: L323-335 — unknown fields are "no such field"; read-only fields (L360) may only
    repeat their current value (inferred: so a GET-modify-PUT round trip still works)."""
    errors = []
    for key, value in body.items():
        if key in writable:
            continue
        if key in readonly:
            if current is None or current.get(key) != value:
                errors.append({key: "read only field"})
        else:
            errors.append({key: "no such field"})
    if errors:
        raise invalid(errors)


def one(ctx, kind, ident):
    obj = ctx.state.lookup(kind, ident)
    if obj is None:
        if kind == "configuration_managers":
            raise forbidden()  # documented: L8906 "403 Forbidden  # Invalid URL or resource not visible"
        raise not_found(ctx)
    return obj


def detail_reply(ctx, kind, obj, status=200, post=False):
    expand = [e for e in ctx.request.query_params.get("expand", "").split(",") if e in kind.expand]
    body = shape(ctx, kind, obj, ctx.fields, expand)
    if post and ctx.fields is None:
        # documented: L3878, L1368, L1039, L476 — POST answers carry the *collection* URL in resource_url
        body["resource_url"] = ctx.base + kind.name + "/"
    return reply(status, body)


def config_diff_from(ctx, value, defaults, dtd, method):
    """Validate a `configuration` value [updates, removals] for a product's firmware."""
    if not isinstance(value, list) or len(value) != 2 or not isinstance(value[0], dict) or not isinstance(value[1], list):
        # documented: L9073 "400 Bad Request  # Invalid config request"
        raise invalid([{"configuration": "must be a list of two elements: [updates, removals]"}])
    errors = []
    try:
        updates = validate_updates(dtd, value[0], [], errors, defaults)
    except IdMismatch as exc:
        # documented: L9507-9520 (the message is printed HTML-escaped in the doc, and so here).
        # inferred: status 400, the doc prints no status line for it.
        raise error(400, "invalid literal for int() with base 10: &#39;%s&#39;" % exc.args[0], [{"path": ctx.full_url.split("?")[0]}])
    removals = validate_removals(value[1], defaults, errors)
    if errors:
        # conflict: L9073/L9458 say an invalid config is 400, the worked example (L9094-9117) shows 409.
        # We follow each method's own text: PUT 409 (example, and L9077 "409 Conflict # Invalid API or
        # config request"), PATCH 400 (L9458 "Also like PUT, it returns a 400"). --set
        # ncm_config_error_status=N forces one status for both.
        status = ctx.state.config_error_status or (409 if method == "PUT" else 400)
        raise invalid(errors, status)
    return [updates, removals]


# ---------------------------------------------------------------------------------------------
# Handlers: (kind, detail?) -> {method: handler}
# ---------------------------------------------------------------------------------------------


async def get_list(ctx, kind, ident=None):
    # documented: L147-151 (GET collection), L247-272 (envelope), L185-217 (paging, fields)
    return list_reply(ctx, kind, ctx.state.all(kind.name))


async def get_one(ctx, kind, ident):
    # documented: L153 — GET .../{resource}/{id}/ returns the bare object (e.g. L6515 speed_test)
    return detail_reply(ctx, kind, one(ctx, kind.name, ident))


async def put_router(ctx, kind, ident):
    # documented: L6111 PUT, L6354-6390 (rename, 202 + the full object); writable fields inferred
    # from the vendor SDK (rename_router_by_id, assign_router_to_group/account, remove_router_from_group).
    state, r = ctx.state, one(ctx, "routers", ident)
    body = await read_body(ctx)
    check_fields(body, ("name", "description", "asset_id", "custom1", "custom2", "group", "account", "locality"), kind.fields, render_router(ctx, r))
    errors = []
    for key in ("name", "description", "asset_id", "custom1", "custom2", "locality"):
        if key in body and not (isinstance(body[key], str) or body[key] is None and key != "name"):
            errors.append({key: "must be a string"})
    if isinstance(body.get("name"), str) and not 0 < len(body["name"]) <= 64:
        errors.append({"name": "must be 1-64 characters"})  # inferred
    group = False
    if "group" in body and body["group"] is not None:
        gid = parse_ref(body["group"], "groups", "group")
        group = state.groups.get(gid)
        if group is None:
            errors.append({"group": "'%s' is not a link to a valid resource" % body["group"]})
        elif group.product.id != r.product.id:
            # documented: L3707 "All endpoints in a group must be the same product type".
            # inferred: refused as a validation error.
            errors.append({"group": "router product %s does not match group product %s" % (r.product.name, group.product.name)})
    elif "group" in body:
        group = None
    if "account" in body:
        aid = parse_ref(body["account"], "accounts", "account", allow_id=True)
        if aid not in state.accounts:
            errors.append({"account": "'%s' is not a link to a valid resource" % body["account"]})
    if errors:
        raise invalid(errors)
    changed = False
    for key in ("name", "description", "asset_id", "custom1", "custom2", "locality"):
        if key in body and getattr(r, key) != body[key]:
            setattr(r, key, body[key])
            changed = True
    if "account" in body and r.account_id != aid:
        r.account_id, changed = aid, True
    if group is not False and (group.id if group else None) != r.group_id:
        state.move(r, group)
        changed = True
    if changed:
        state.touch(r, attribute_update=True)
    return detail_reply(ctx, kind, r, 202)  # documented: L227 PUT 202, L6362 the object


async def delete_router(ctx, kind, ident):
    # documented: L164-166, L6395 — unregisters the router and removes its data; 204 no body
    state, r = ctx.state, one(ctx, "routers", ident)
    if r.group_id in state.groups:
        state.groups[r.group_id].members.discard(r.id)
    del state.routers[r.id]
    state.router_order.remove(r.id)
    del state.cms[r.cm.id]
    for nd in r.nds:
        state.net_devices.pop(nd.id, None)
    state.samples = [s for s in state.samples if s.router_id != r.id]
    return reply(204)


async def router_cm(ctx, kind, ident):
    # inferred: the routers' `configuration_manager` link (L6215) answers the manager itself.
    return detail_reply(ctx, KINDS["configuration_managers"], one(ctx, "routers", ident).cm)


GROUP_WRITABLE = ("account", "configuration", "name", "product", "target_firmware")  # documented: L3720-3730


async def post_group(ctx, kind, ident=None):
    # documented: L3855-3880 (201 + the object, resource_url = the collection)
    state = ctx.state
    body = await read_body(ctx)
    check_fields(body, GROUP_WRITABLE, kind.fields)
    # conflict: the field table (L3720-3730) marks account, name, product and target_firmware required
    # for POST; the introduction's example (L120) omits account and target_firmware, and L145 says "By
    # default, the resource is added to the requestor's account". ecmcli (PyPI 10) sends `account`
    # only when asked. So `account` defaults to the keys' account; target_firmware stays required
    # (no default is documented for it).
    missing = [{k: "This field is required."} for k in ("name", "product", "target_firmware") if body.get(k) in (None, "")]
    if missing:
        raise invalid(missing)
    values = _group_values(ctx, body, None)
    g = state._new_group(values["name"], values["product"], values["target_fw"], [{}, []])
    g.account_id = values["account"] or state.account_id
    if "configuration" in body:
        g.config = config_diff_from(ctx, body["configuration"], g.product.defaults, g.product.dtd, "POST")
    return detail_reply(ctx, kind, g, 201, post=True)


def _group_values(ctx, body, g):
    """Validate the writable group fields of `body` against each other and the group `g`."""
    state, errors = ctx.state, []
    out = {
        "name": body.get("name", g.name if g else None),
        "account": g.account_id if g else None,
        "product": g.product if g else None,
        "target_fw": g.target_fw if g else None,
    }
    if "name" in body and (not isinstance(body["name"], str) or not body["name"].strip()):
        errors.append({"name": "must be a non-empty string"})
    if "account" in body:
        out["account"] = parse_ref(body["account"], "accounts", "account", allow_id=True)
        if out["account"] not in state.accounts:
            errors.append({"account": "'%s' is not a link to a valid resource" % body["account"]})
    if "product" in body:
        product = state.products.get(parse_ref(body["product"], "products", "product"))
        if product is None:
            errors.append({"product": "'%s' is not a link to a valid resource" % body["product"]})
        elif g is not None and g.members and product is not g.product:
            errors.append({"product": "the group's routers are %s; all must be the same product" % g.product.name})
        out["product"] = product
    if "target_firmware" in body:
        fw = state.firmwares.get(parse_ref(body["target_firmware"], "firmwares", "target_firmware"))
        if fw is None:
            errors.append({"target_firmware": "'%s' is not a link to a valid resource" % body["target_firmware"]})
        elif out["product"] is not None and fw.product is not out["product"]:
            # inferred: a firmware belongs to one product (L3310), the group's
            errors.append({"target_firmware": "firmware %s is for %s, not %s" % (fw.version, fw.product.name, out["product"].name)})
        out["target_fw"] = fw.id if fw else None
    elif "product" in body and out["product"] is not None and g is not None and state.firmwares[g.target_fw].product is not out["product"]:
        errors.append({"target_firmware": "required when the product changes"})
    if errors:
        raise invalid(errors)
    return out


async def write_group(ctx, kind, ident):
    # documented: L3883-3919 — PUT 202 + the object; PATCH 202. "GET, PUT and PATCH work the same for
    # groups as for configuration_managers" (L9575): PUT replaces the group config, PATCH merges it.
    state, g, method = ctx.state, one(ctx, "groups", ident), ctx.request.method
    body = await read_body(ctx)
    check_fields(body, GROUP_WRITABLE, kind.fields, render_group(ctx, g))
    values = _group_values(ctx, body, g)
    config = None
    if "configuration" in body:
        diff = config_diff_from(ctx, body["configuration"], values["product"].defaults, values["product"].dtd, method)
        config = diff if method == "PUT" else [merge_updates(g.config[0], diff[0]), g.config[1] + [p for p in diff[1] if p not in g.config[1]]]
    g.name, g.account_id, g.product = values["name"], values["account"], values["product"]
    if values["target_fw"] != g.target_fw:
        g.target_fw = values["target_fw"]
        for rid in g.members:  # documented: L3708, members follow the group's firmware
            r = state.routers[rid]
            r.target_fw = g.target_fw
            state.upgrade(r)
            state.touch(r, attribute_update=True)
    g.rev += 1
    if config is not None and config != g.config:
        g.config, g.config_rev = config, g.config_rev + 1
        for rid in g.members:
            state.retarget(state.routers[rid])
    if method == "PATCH":
        # conflict: the groups section prints a config fragment as the PATCH "response body"
        # (L3911-3918); the config appendix says PATCH never returns a payload (L9460) and that groups
        # work like configuration_managers (L9575). Empty body.
        return reply(202)
    return detail_reply(ctx, kind, g, 202)


async def delete_group(ctx, kind, ident):
    # documented: L3921-3926, 204. inferred: the group's routers become ungrouped and lose its config layer.
    state, g = ctx.state, one(ctx, "groups", ident)
    for rid in list(g.members):
        state.move(state.routers[rid], None)
    del state.groups[g.id]
    return reply(204)


async def write_cm(ctx, kind, ident):
    # documented: L9060-9547. PUT replaces the individual config (202 + object, `fields` trims it);
    # PATCH merges (202, no payload, L9460); only configuration and suspended are writable (L9067).
    state, cm, method = ctx.state, one(ctx, "configuration_managers", ident), ctx.request.method
    body = await read_body(ctx)  # (L8894 "at least a Full Access User role": see `dispatch`)
    extra = [k for k in body if k not in ("configuration", "suspended")]
    if extra:
        # documented: L9067 "If you include any other field in your PUT request payload, you get a 409
        # Conflict" (PATCH: L9453 "409 Conflict # Invalid API request"). inferred: the validation shape.
        raise invalid([{k: "field is read only" if k in kind.fields else "no such field"} for k in extra], 409)
    r = cm.router
    if "suspended" in body and not isinstance(body["suspended"], bool):
        raise invalid([{"suspended": "must be a boolean"}])
    if "configuration" in body:
        diff = config_diff_from(ctx, body["configuration"], r.product.defaults, r.product.dtd, method)
        if method == "PATCH":
            # documented: L9425-9443 — PATCH leaves unmentioned settings alone and cannot remove
            # anything: its removals join the stored removal list, which the stored updates still
            # override (removals apply first, L9965).
            diff = [merge_updates(cm.config[0], diff[0]), cm.config[1] + [p for p in diff[1] if p not in cm.config[1]]]
        if diff != cm.config:  # documented: L9174, an unchanged config changes nothing
            cm.config = diff
            state.retarget(r)
    if "suspended" in body and body["suspended"] != cm.suspended:
        if body["suspended"]:
            cm.suspended = True  # documented: L9408-9420, manual suspend
        elif r.state == "online":
            cm.suspended = False  # documented: L9391, resuming only works while the device is online
            state.schedule_sync(r)
        state.touch(r)
    if method == "PATCH":
        return reply(202)
    return detail_reply(ctx, kind, cm, 202)


async def default_configuration(ctx, kind, ident):
    # documented: L3305 (the firmwares' default_configuration link). inferred: it answers the
    # firmware's default config tree, passwords masked.
    return reply(200, mask(one(ctx, "firmwares", ident).product.defaults))


async def post_account(ctx, kind, ident=None):
    # documented: L459-476 — creates a subaccount under `account`; 201, resource_url = collection
    state = ctx.state
    body = await read_body(ctx)
    check_fields(body, ("account", "name"), kind.fields)
    missing = [{k: "This field is required."} for k in ("account", "name") if not body.get(k)]
    if missing:
        raise invalid(missing)
    parent = parse_ref(body["account"], "accounts", "account", allow_id=True)
    if parent not in state.accounts:
        raise invalid([{"account": "'%s' is not a link to a valid resource" % body["account"]}])
    a = Rec(id=max(state.accounts) + 1, parent_id=parent, name=str(body["name"]))
    state.accounts[a.id] = a
    return detail_reply(ctx, kind, a, 201, post=True)


async def put_account(ctx, kind, ident):
    # documented: L482-498. conflict: the table marks `account` required for PUT (L354, L358) but the
    # example sends only the name and the CRUD prose (L159) says only what changes; only name is needed.
    a = one(ctx, "accounts", ident)
    body = await read_body(ctx)
    check_fields(body, ("name",), kind.fields, render_account(ctx, a))
    if "name" in body:
        if not isinstance(body["name"], str) or not body["name"]:
            raise invalid([{"name": "must be a non-empty string"}])
        a.name = body["name"]
    return detail_reply(ctx, kind, a, 202)


async def delete_account(ctx, kind, ident):
    # documented: L503-508, 204; "fails if the subaccount still contains users". inferred: 400, and
    # the root account (the requestor's own) cannot be deleted (403).
    state, a = ctx.state, one(ctx, "accounts", ident)
    if a.id == state.account_id:
        raise forbidden()
    if any(u.account_id == a.id for u in state.users.values()):
        raise invalid([{"account": "the subaccount still contains users"}])
    del state.accounts[a.id]
    return reply(204)


RULE_WRITABLE = (
    "associated_accounts",
    "associated_groups",
    "email_destinations",
    "filter_criteria",
    "http_destinations",
    "schedule",
    "settings",
)  # documented: L1087-1100


def _rule_values(ctx, body, rule):
    state, errors = ctx.state, []

    def int_list(key, store):
        value = body[key]
        if not isinstance(value, list) or any(isinstance(v, bool) or not isinstance(v, int) for v in value):
            errors.append({key: "must be a list of integers"})  # documented: L1093-1095 "List of ints"
        else:
            unknown = [v for v in value if v not in store]
            if unknown:
                errors.append({key: "unknown ids: %s" % unknown})

    if "associated_accounts" in body:
        int_list("associated_accounts", state.accounts)
    if "associated_groups" in body:
        int_list("associated_groups", state.groups)
    if "email_destinations" in body:
        int_list("email_destinations", state.users)  # documented: L1095, user ids from `users`
    if "http_destinations" in body:
        value = body["http_destinations"]
        if not isinstance(value, list) or any(not isinstance(v, str) for v in value):
            errors.append({"http_destinations": "must be a list of destination_config_ids"})
        elif any(v not in state.destinations for v in value):
            errors.append({"http_destinations": "unknown destination_config_id"})
    types = (rule.filter_criteria if rule else {}).get("alert_type__in", [])
    if "filter_criteria" in body:
        fc = body["filter_criteria"]
        # documented: L1096 "Dictionary with two keys: alert_type__in and external_id__in"
        if not isinstance(fc, dict) or set(fc) - {"alert_type__in", "external_id__in"} or not isinstance(fc.get("alert_type__in", []), list):
            errors.append({"filter_criteria": "must be a dictionary with keys alert_type__in, external_id__in"})
        else:
            types = fc.get("alert_type__in", [])
            unknown = [t for t in types if t not in ALERT_TYPES]
            if unknown:
                errors.append({"filter_criteria": "unknown alert types: %s" % unknown})  # documented: L1160-1286
    if "schedule" in body and body["schedule"] not in (None, "hourly", "daily"):
        # conflict: the table says "None | Hourly | Daily" (L1098); every example sends and returns
        # lowercase or null (L1324, L1342, L1411). We accept what the examples show.
        errors.append({"schedule": "must be null, 'hourly' or 'daily'"})
    settings = body.get("settings", rule.settings if rule else None)
    for pdp in PDP_TYPES:  # documented: L1375-1407, PDP alert types need settings with a known carrier
        if pdp in types:
            entry = (settings or {}).get(pdp) if isinstance(settings, dict) else None
            if not isinstance(entry, dict) or entry.get("carrier") not in DATA_PLAN_CARRIERS or not isinstance(entry.get("thresholds"), list):
                errors.append({"settings": "%s needs {carrier, thresholds} for an existing data plan" % pdp})
    if errors:
        raise invalid(errors)


async def post_rule(ctx, kind, ident=None):
    # documented: L1337-1370 — 201 + the object (resource_url = collection)
    state = ctx.state
    body = await read_body(ctx)
    check_fields(body, RULE_WRITABLE, kind.fields)
    # documented: L1096-1098, `*` = required for POST (present, even if empty or null)
    missing = [{k: "This field is required."} for k in ("filter_criteria", "http_destinations", "schedule") if k not in body]
    if missing:
        raise invalid(missing)
    _rule_values(ctx, body, None)
    now = state.world.now()
    rule = Rec(
        alert_config_id=timeuuid(now, state.rng),
        account_id=state.account_id,
        associated_accounts=body.get("associated_accounts", []),
        associated_groups=body.get("associated_groups", []),
        email_destinations=body.get("email_destinations", []),
        filter_criteria=body["filter_criteria"],
        http_destinations=body["http_destinations"],
        schedule=body["schedule"],
        settings=body.get("settings"),
        updated_at=now,
    )
    state.rules[rule.alert_config_id] = rule
    return detail_reply(ctx, kind, rule, 201, post=True)


async def patch_rule(ctx, kind, ident):
    # documented: L1408-1415 — "empty response body with a 201 response code" (not 202)
    rule = one(ctx, "alert_rules", ident)
    body = await read_body(ctx)
    check_fields(body, RULE_WRITABLE, kind.fields, render_rule(ctx, rule))
    _rule_values(ctx, body, rule)
    for key in RULE_WRITABLE:
        if key in body:
            setattr(rule, key, copy.deepcopy(body[key]))
    rule.updated_at = ctx.state.world.now()
    return reply(201)


async def delete_rule(ctx, kind, ident):
    del ctx.state.rules[one(ctx, "alert_rules", ident).alert_config_id]  # documented: L1418-1422, 204
    return reply(204)


def _destination_values(ctx, body, dest):
    errors = []
    if "endpoint" in body:
        endpoint = body["endpoint"]
        # documented: L930-935, a flat dict with the single key "url"
        if not isinstance(endpoint, dict) or set(endpoint) != {"url"} or not isinstance(endpoint["url"], str):
            errors.append({"endpoint": 'must be {"url": "..."}'})
        elif not re.match(r"^https?://", endpoint["url"]):
            errors.append({"endpoint": 'url must have "http://" or "https://" prefix'})
        elif any(d.url == endpoint["url"] and d is not dest for d in ctx.state.destinations.values()):
            # documented: L935, two destinations may not share an endpoint URL
            errors.append({"endpoint": "a push destination with this url already exists"})
    if "authentication" in body:
        auth = body["authentication"]
        if not isinstance(auth, dict) or set(auth) != {"secret"} or not isinstance(auth["secret"], str) or not auth["secret"]:
            errors.append({"authentication": 'must be {"secret": "..."}'})  # documented: L937-940
    if "name" in body and (not isinstance(body["name"], str) or not body["name"]):
        errors.append({"name": "must be a non-empty string"})
    if "enabled" in body and not isinstance(body["enabled"], bool):
        errors.append({"enabled": "must be a boolean"})
    if "suspended" in body:
        value = body["suspended"]
        # documented: L967-972, suspended may go True -> False (sent as "False" in the doc), never to True
        value = {"false": False, "true": True}.get(value.lower(), value) if isinstance(value, str) else value
        if value is not False and not (dest is not None and value is True and dest.suspended):
            errors.append({"suspended": "can only be patched from True to False"})
        body["suspended"] = False if value is False else value
    if errors:
        raise invalid(errors)


DEST_WRITABLE = ("authentication", "enabled", "endpoint", "name", "suspended")  # documented: L829-850


async def post_destination(ctx, kind, ident=None):
    # documented: L1010-1030 — 201 + the object, secret masked, resource_url = collection
    state = ctx.state
    body = await read_body(ctx)
    check_fields(body, DEST_WRITABLE, kind.fields)
    missing = [{k: "This field is required."} for k in ("authentication", "endpoint", "name") if k not in body]
    if missing:
        raise invalid(missing)
    _destination_values(ctx, body, None)
    now = state.world.now()
    d = Rec(
        destination_config_id=timeuuid(now, state.rng),
        account_id=state.account_id,
        name=body["name"],
        url=body["endpoint"]["url"],
        secret=body["authentication"]["secret"],
        enabled=body.get("enabled", True),
        suspended=False,
        updated_at=now,
    )
    state.destinations[d.destination_config_id] = d
    return detail_reply(ctx, kind, d, 201, post=True)


async def patch_destination(ctx, kind, ident):
    # documented: L1040-1050 — 202, empty body
    d = one(ctx, "alert_push_destinations", ident)
    body = await read_body(ctx)
    check_fields(body, DEST_WRITABLE, kind.fields, render_destination(ctx, d))
    _destination_values(ctx, body, d)
    if "endpoint" in body:
        d.url = body["endpoint"]["url"]
    if "authentication" in body:
        d.secret = body["authentication"]["secret"]
    for key in ("name", "enabled", "suspended"):
        if key in body:
            setattr(d, key, body[key])
    d.updated_at = ctx.state.world.now()
    return reply(202)


async def delete_destination(ctx, kind, ident):
    # documented: L1052-1058, 204. inferred: rules stop naming the deleted destination.
    state, d = ctx.state, one(ctx, "alert_push_destinations", ident)
    del state.destinations[d.destination_config_id]
    for rule in state.rules.values():
        if d.destination_config_id in rule.http_destinations:
            rule.http_destinations = [x for x in rule.http_destinations if x != d.destination_config_id]
    return reply(204)


async def test_destination(ctx, kind, ident=None):
    # documented: L6606-6686 — POST {destination_config_id} -> 201, empty body, when reachable.
    # inferred: every destination of the account counts as reachable; an unknown id is invalid.
    body = await read_body(ctx)
    check_fields(body, ("destination_config_id",), ())
    if body.get("destination_config_id") not in ctx.state.destinations:
        raise invalid([{"destination_config_id": "unknown destination_config_id"}])
    return reply(201)


async def post_reboot(ctx, kind, ident=None):
    # documented: L5229-5259 — POST {"router": <URI>} or {"group": <URI>}; 201 "submitted without
    # error"; an offline router's request is lost; an invalid id is "typically a 403 Forbidden".
    state = ctx.state
    body = await read_body(ctx)
    check_fields(body, ("router", "group"), ())
    if ("router" in body) == ("group" in body):
        # documented: L5234, both at once is "undefined"; inferred: refused, like neither.
        raise invalid([{"__all__": "specify exactly one of router or group"}])
    if "router" in body:
        r = state.routers.get(parse_ref(body["router"], "routers", "router"))
        if r is None:
            raise forbidden()
        targets = [r]
    else:
        g = state.groups.get(parse_ref(body["group"], "groups", "group"))
        if g is None:
            raise forbidden()
        targets = [state.routers[rid] for rid in sorted(g.members)]
    for r in targets:
        state.reboot(r)
    # inferred: the doc shows no body; we echo the request like the other POSTs (resource_url = collection)
    return reply(201, {"group": body.get("group"), "resource_url": ctx.base + "reboot_activity/", "router": body.get("router")})


HANDLERS = {
    ("routers", False): {"GET": get_list},
    ("routers", True): {"GET": get_one, "PUT": put_router, "DELETE": delete_router},
    ("groups", False): {"GET": get_list, "POST": post_group},
    ("groups", True): {"GET": get_one, "PUT": write_group, "PATCH": write_group, "DELETE": delete_group},
    ("configuration_managers", False): {"GET": get_list},
    ("configuration_managers", True): {"GET": get_one, "PUT": write_cm, "PATCH": write_cm},
    ("products", False): {"GET": get_list},
    ("products", True): {"GET": get_one},
    ("firmwares", False): {"GET": get_list},
    ("firmwares", True): {"GET": get_one},
    ("accounts", False): {"GET": get_list, "POST": post_account},
    ("accounts", True): {"GET": get_one, "PUT": put_account, "DELETE": delete_account},
    ("users", False): {"GET": get_list},
    ("users", True): {"GET": get_one},
    ("alert_rules", False): {"GET": get_list, "POST": post_rule},
    ("alert_rules", True): {"GET": get_one, "PATCH": patch_rule, "DELETE": delete_rule},
    ("alert_push_destinations", False): {"GET": get_list, "POST": post_destination},
    ("alert_push_destinations", True): {"GET": get_one, "PATCH": patch_destination, "DELETE": delete_destination},
    ("test_alert_push_destinations", False): {"POST": test_destination},  # documented: L6611
    ("net_devices", False): {"GET": get_list},
    ("net_devices", True): {"GET": get_one},
    ("router_state_samples", False): {"GET": get_list},
    ("net_device_signal_samples", False): {"GET": get_list},
    ("locations", False): {"GET": get_list},
    ("net_device_usage_samples", False): {"GET": get_list},
    ("router_stream_usage_samples", False): {"GET": get_list},
    ("router_alerts", False): {"GET": get_list},  # inferred: GET only (the methods line is missing)
    ("router_logs", False): {"GET": get_list},
    ("net_device_metrics", False): {"GET": get_list},
    ("net_device_metrics", True): {"GET": get_one},
    ("reboot_activity", False): {"POST": post_reboot},  # documented: L5240 "Supported methods:POST"
}
SUBRESOURCES = {("routers", "configuration_manager"): router_cm, ("firmwares", "default_configuration"): default_configuration}


async def redirect_slash(request):
    # documented: L114-116 — a URL without the trailing slash "is automatically redirected, resulting in
    # two calls attributed to your account"; 301 (L232). The redirect comes before authentication, and
    # the request log records it as a call of its own. It keeps the query string, and answers every
    # method alike: a client that lets a POST follow a 301 turns it into a GET, as it would in life.
    state = request.app.state.world.ncm
    if (request.headers.get("x-cp-api-id"), request.headers.get("x-cp-api-key")) == CP_KEYS:
        state.api_calls += 1
    url = request.url
    location = url.replace(path=url.path + "/")
    return Response(b"", status_code=301, headers={"location": str(location)})


async def dispatch(request):
    path = request.url.path
    if not path.endswith("/"):
        return await redirect_slash(request)
    state = request.app.state.world.ncm
    state.tick()
    ctx = Ctx(request, state)
    method = request.method
    try:
        ctx.role = authenticate(request, state)
        parts = path[len(PREFIX) :].strip("/").split("/") if path.startswith(PREFIX) else []
        handler, kind, ident = None, None, None
        if len(parts) in (1, 2) and parts[0]:
            name = parts[0]
            table = HANDLERS.get((name, len(parts) == 2))
            if table is None:
                if name in UNSIMULATED or (name, False) in HANDLERS:
                    raise error(404, "not simulated" if name in UNSIMULATED else "not found", [{"path": ctx.full_url}])
                raise not_found(ctx)
            handler = table.get(method)
            if handler is None:
                # documented: L274-291 (exactly this body), L9076 (405 without an /<id>/)
                raise ApiError(405, {"errors": [{"path": ctx.full_url}, {"method": method}], "exception": {"message": "method not allowed", "type": "error"}})
            kind, ident = KINDS.get(name), (parts[1] if len(parts) == 2 else None)
        elif len(parts) == 3 and (parts[0], parts[2]) in SUBRESOURCES and method == "GET":
            handler, kind, ident = SUBRESOURCES[(parts[0], parts[2])], KINDS.get(parts[0]), parts[1]
        else:
            raise not_found(ctx)
        if method in WRITE_METHODS and ctx.role != "admin":
            raise forbidden()  # documented: L34-38 (roles), L303-311 (the forbidden shape)
        return await handler(ctx, kind, ident)
    except ApiError as exc:
        return reply(exc.status, exc.body)


def routes():
    methods = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
    return [Route("/api/v2", redirect_slash, methods=methods), Route("/api/v2/{rest:path}", dispatch, methods=methods)]
