"""The inventory plugin wanfleet.routers.fleet, run as ansible-inventory against the simulator.

Golden files live in tests/integration/files/inventory/. After an intended change of the output,
regenerate them with WANFLEET_UPDATE_GOLDEN=1 and review the diff.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time

import jinja2.sandbox
import pytest
import yaml

from tests.integration.conftest import BIN, HERE, ansible_core_version, credentials
from tests.simulator.process import ROOT

FILES = os.path.join(HERE, "files", "inventory")
CREDENTIAL_TYPES = os.path.join(ROOT, "extensions", "awx", "credential_types")
UPDATE_GOLDEN = os.environ.get("WANFLEET_UPDATE_GOLDEN") == "1"
SECRETS = ("sim-secret", "sim-cp-key", "sim-ecm-key", "sim-password")
# What AWX puts into the environment of every inventory update (awx/main/constants.py).
AWX_INVENTORY_ENV = {
    "ANSIBLE_INVENTORY_UNPARSED_FAILED": "True",
    "ANSIBLE_INVENTORY_EXPORT": "True",
    "ANSIBLE_VERBOSE_TO_STDERR": "True",
    "ANSIBLE_HOST_PATTERN_MISMATCH": "error",
}

pytestmark = pytest.mark.integration


# ---- helpers --------------------------------------------------------------------------------------


def sources(sim, platforms=("incontrol", "ncm", "telecomx"), **extra):
    creds = credentials(sim)
    return [dict({"platform": platform, platform: creds[platform]}, **extra) for platform in platforms]


def write(tmp_path, config, name="fleet.wanfleet.yml"):
    path = tmp_path / name
    path.write_text(yaml.safe_dump(dict({"plugin": "wanfleet.routers.fleet"}, **config), sort_keys=False))
    return str(path)


def inventory(ansible_env, path, *args, env=None, cwd=None):
    """ansible-inventory -i path --list [args] -> (CompletedProcess, parsed JSON or None)."""
    command = [os.path.join(BIN, "ansible-inventory"), "-i", path, "--list"] + list(args)
    process = subprocess.run(
        command, env=dict(ansible_env, **(env or {})), capture_output=True, text=True, timeout=300, cwd=cwd or os.path.dirname(path), check=False
    )
    if ansible_core_version() < (2, 19):  # it wraps warnings at 79 columns, at spaces and after hyphens
        process.stderr = process.stderr.replace("-\n", "-").replace("\n", " ")
    try:
        data = json.loads(process.stdout) if process.stdout.strip() else None
    except ValueError:
        data = None
    return process, data


def plain(value):
    """ansible-core 2.19 shows API strings as {"__ansible_unsafe": ...}: compare the values."""
    if isinstance(value, dict):
        if set(value) == {"__ansible_unsafe"}:
            return plain(value["__ansible_unsafe"])
        return dict((key, plain(item)) for key, item in value.items())
    if isinstance(value, list):
        return [plain(item) for item in value]
    return value


def normalise(data):
    """The --list output with stable ordering, without the profile marker."""
    data = plain(data)
    meta = data.pop("_meta", {})
    groups = {}
    for name, group in sorted(data.items()):
        group = dict(group)
        for key in ("hosts", "children"):
            if key in group:
                group[key] = sorted(group[key])
        groups[name] = group
    return {"groups": groups, "hostvars": dict(sorted(meta.get("hostvars", {}).items()))}


def golden(name, actual):
    path = os.path.join(FILES, name)
    if UPDATE_GOLDEN or not os.path.exists(path):
        os.makedirs(FILES, exist_ok=True)
        with open(path, "w") as handle:
            json.dump(actual, handle, indent=2, sort_keys=True)
            handle.write("\n")
        if not UPDATE_GOLDEN:
            pytest.fail("golden file %s was missing and has been written; review and commit it" % name)
    with open(path) as handle:
        expected = json.load(handle)
    assert actual == expected


def hosts_of(data):
    return set(plain(data)["_meta"]["hostvars"])


def ok(process, data):
    assert process.returncode == 0 and data is not None, process.stdout + process.stderr
    return data


def counts(sim):
    totals = {}
    for entry in sim.requests():
        key = "%s %s" % (entry["method"], entry["path"])
        totals[key] = totals.get(key, 0) + 1
    return totals


# ---- the mixed fleet ---------------------------------------------------------------------------------


def test_mixed_fleet_matches_golden(sim, ansible_env, tmp_path):
    path = write(tmp_path, {"sources": sources(sim)})
    process, data = inventory(ansible_env, path)
    result = normalise(ok(process, data))
    golden("mixed.json", result)
    assert "[WARNING]" not in process.stderr, process.stderr
    # one listing per platform plus name lookups: never a request per device
    seen = counts(sim)
    per_device = [key for key in seen if any(part.isdigit() and len(part) > 3 for part in key.split("/")[3:])]
    assert per_device == [], seen
    assert seen.get("GET /api/v2/routers/") == 1
    assert sum(seen.values()) <= 12, seen


def test_hostvars_are_the_device_info_record(sim, ansible_env, tmp_path):
    path = write(tmp_path, {"sources": sources(sim)})
    data = plain(ok(*inventory(ansible_env, path)))
    hostvars = data["_meta"]["hostvars"]
    for name, host in hostvars.items():
        assert host["ansible_connection"] == "local"
        assert host["ansible_python_interpreter"] == "{{ ansible_playbook_python }}"
        assert set(host) == {
            "ansible_connection",
            "ansible_python_interpreter",
            "wanfleet_platform",
            "wanfleet_id",
            "wanfleet_name",
            "wanfleet_serial",
            "wanfleet_mac",
            "wanfleet_model",
            "wanfleet_firmware",
            "wanfleet_status",
            "wanfleet_group",
            "wanfleet_group_id",
            "wanfleet_source",
            "wanfleet_online",
        }, name
        assert host["wanfleet_status"] in ("online", "offline", "unknown")
        assert host["wanfleet_online"] is (host["wanfleet_status"] == "online")
        assert host["wanfleet_serial"], name  # TelecomX too: the full listing is read for it


def test_detail_adds_wan_and_ssids(sim, ansible_env, tmp_path):
    path = write(tmp_path, {"sources": sources(sim), "detail": True})
    process, data = inventory(ansible_env, path)
    result = normalise(ok(process, data))
    golden("mixed_detail.json", result)
    for host in result["hostvars"].values():
        assert isinstance(host["wanfleet_wan"], list) and isinstance(host["wanfleet_ssids"], list)
    assert any(host["wanfleet_wan"] for host in result["hostvars"].values())


def test_detail_per_source(sim, ansible_env, tmp_path):
    given = sources(sim, ("incontrol", "ncm"))
    given[0]["detail"] = True
    data = plain(ok(*inventory(ansible_env, write(tmp_path, {"sources": given}))))
    for host in data["_meta"]["hostvars"].values():
        assert ("wanfleet_wan" in host) == (host["wanfleet_platform"] == "incontrol")
    assert not any("net_devices" in entry["path"] for entry in sim.requests())


def test_server_side_filters(sim, ansible_env, tmp_path):
    given = sources(sim, ("ncm",), filters={"state": "online"})
    data = plain(ok(*inventory(ansible_env, write(tmp_path, {"sources": given}))))
    assert data["_meta"]["hostvars"] and all(host["wanfleet_status"] == "online" for host in data["_meta"]["hostvars"].values())
    routers = [entry for entry in sim.requests() if entry["path"] == "/api/v2/routers/"]
    assert routers and all("state=online" in entry["query"] for entry in routers)
    assert all("fields=" in entry["query"] for entry in routers)  # only the fields the record needs


def test_unknown_filter_fails(sim, ansible_env, tmp_path):
    given = sources(sim, ("telecomx",), filters={"colour": "blue"})
    process = inventory(ansible_env, write(tmp_path, {"sources": given}), env={"ANSIBLE_INVENTORY_UNPARSED_FAILED": "1"})[0]
    assert process.returncode != 0
    assert "colour" in process.stderr


def test_hostnames_precedence(sim, ansible_env, tmp_path):
    path = write(tmp_path, {"sources": sources(sim), "hostnames": ["serial", "name"]})
    data = plain(ok(*inventory(ansible_env, path)))
    assert all(name == host["wanfleet_serial"] for name, host in data["_meta"]["hostvars"].items())
    path = write(tmp_path, {"sources": sources(sim), "hostnames": ["mac"]})
    data = plain(ok(*inventory(ansible_env, path)))
    # a MAC address's colons would split a host pattern: they become "_"
    assert all(name == host["wanfleet_mac"].replace(":", "_") for name, host in data["_meta"]["hostvars"].items())


def test_groups_by_platform_vendor_group_model_and_status(sim, ansible_env, tmp_path):
    data = plain(ok(*inventory(ansible_env, write(tmp_path, {"sources": sources(sim)}))))
    hostvars = data["_meta"]["hostvars"]
    members = dict((name, set(group.get("hosts", []))) for name, group in data.items() if name != "_meta")
    for host, variables in hostvars.items():
        assert host in members["wanfleet_%s" % variables["wanfleet_platform"]]
        assert host in members["wanfleet_%s" % variables["wanfleet_status"]]
        if variables["wanfleet_group"]:
            expected = "wanfleet_group_" + "".join(c if c.isalnum() or c == "_" else "_" for c in variables["wanfleet_group"]).lower()
            assert host in members[expected]
        if variables["wanfleet_model"]:
            expected = "wanfleet_model_" + "".join(c if c.isalnum() or c == "_" else "_" for c in variables["wanfleet_model"]).lower()
            assert host in members[expected]


def test_constructed_options(sim, ansible_env, tmp_path):
    config = {
        "sources": sources(sim),
        "compose": {"site_code": "wanfleet_name | upper", "is_peplink": "wanfleet_platform == 'incontrol'"},
        "groups": {"needs_attention": "wanfleet_status != 'online'"},
        "keyed_groups": [
            {"key": "wanfleet_source", "prefix": "source"},
            {"key": "wanfleet_firmware | default('none', true)", "prefix": "fw"},
        ],  # default_value: not for null before 2.19
        "strict": True,
    }
    data = plain(ok(*inventory(ansible_env, write(tmp_path, config))))
    hostvars = data["_meta"]["hostvars"]
    assert all(host["site_code"] == host["wanfleet_name"].upper() for host in hostvars.values())
    offline = set(name for name, host in hostvars.items() if host["wanfleet_status"] != "online")
    assert offline and set(data["needs_attention"]["hosts"]) == offline
    assert set(data["source_ncm"]["hosts"]) == set(data["wanfleet_ncm"]["hosts"])
    assert "fw_none" in data  # TelecomX documents no firmware
    # strict: an expression that fails fails the inventory; without strict the host just lacks the variable
    config["compose"] = {"broken": "wanfleet_no_such_var.attribute"}
    process = inventory(ansible_env, write(tmp_path, config), env={"ANSIBLE_INVENTORY_UNPARSED_FAILED": "1"})[0]
    assert process.returncode != 0 and "broken" in process.stderr
    config["strict"] = False
    data = plain(ok(*inventory(ansible_env, write(tmp_path, config))))
    assert all("broken" not in host for host in data["_meta"]["hostvars"].values())


def test_hosts_can_run_the_modules(sim, ansible_env, tmp_path):
    """The point of ansible_connection/interpreter: a play targets inventory hosts and calls a module per device,
    with no interpreter setting from the environment."""
    path = write(tmp_path, {"sources": sources(sim, ("ncm",))})
    play = [
        {
            "hosts": "wanfleet_ncm",
            "gather_facts": False,
            "tasks": [
                {
                    "name": "read",
                    "wanfleet.routers.device_info": {"platform": "ncm", "ncm": credentials(sim)["ncm"], "device": "{{ wanfleet_id }}"},
                    "register": "found",
                },
                {"ansible.builtin.assert": {"that": ["found.devices[0].id == wanfleet_id"]}},
            ],
        }
    ]
    (tmp_path / "play.yml").write_text(yaml.safe_dump(play))
    env = dict(ansible_env)
    env.pop("ANSIBLE_PYTHON_INTERPRETER", None)
    process = subprocess.run(
        [os.path.join(BIN, "ansible-playbook"), "-i", path, str(tmp_path / "play.yml")],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        cwd=str(tmp_path),
        check=False,
    )
    assert process.returncode == 0, process.stdout + process.stderr
    assert "failed=0" in process.stdout and "discovered Python interpreter" not in process.stdout + process.stderr


# ---- duplicate host names ----------------------------------------------------------------------------


def rename_ncm_router(sim, router_id, name):
    import httpx

    keys = {"X-CP-API-ID": "sim-cp-id", "X-CP-API-KEY": "sim-cp-key", "X-ECM-API-ID": "sim-ecm-id", "X-ECM-API-KEY": "sim-ecm-key"}
    response = httpx.put("%s/api/v2/routers/%s/" % (sim.url, router_id), json={"name": name}, headers=keys)
    assert response.status_code == 202, response.text


def ncm_router_ids(sim):
    return sorted((router["id"] for router in sim.state()["ncm"]["routers"]), key=lambda value: (len(str(value)), str(value)))


def test_duplicate_names_get_a_suffix_and_one_warning(sim, ansible_env, tmp_path):
    first, second, third = ncm_router_ids(sim)[:3]
    rename_ncm_router(sim, first, "router-001")  # the name of an InControl device (an earlier source)
    rename_ncm_router(sim, second, "shop")
    rename_ncm_router(sim, third, "shop")
    process, data = inventory(ansible_env, write(tmp_path, {"sources": sources(sim)}))
    hostvars = plain(ok(process, data))["_meta"]["hostvars"]
    assert hostvars["router-001"]["wanfleet_platform"] == "incontrol"  # the first source keeps the name
    assert hostvars["router-001_%s" % first]["wanfleet_id"] == str(first)
    assert hostvars["shop"]["wanfleet_id"] == str(second)  # within a source, the lower id keeps it
    assert hostvars["shop_%s" % third]["wanfleet_id"] == str(third)
    assert len(hostvars) == 9  # nobody overwritten
    assert process.stderr.count("[WARNING]") == 1, process.stderr
    assert "2 device(s)" in process.stderr and "router-001 -> router-001_%s" % first in process.stderr
    golden("duplicates.json", normalise(data))


def test_duplicate_names_error(sim, ansible_env, tmp_path):
    first = ncm_router_ids(sim)[0]
    rename_ncm_router(sim, first, "router-002")
    path = write(tmp_path, {"sources": sources(sim), "duplicate_hostnames": "error"})
    process, data = inventory(ansible_env, path, env={"ANSIBLE_INVENTORY_UNPARSED_FAILED": "1"})
    assert process.returncode != 0
    assert "router-002 (ncm %s, also incontrol" % first in process.stderr
    # with hostnames by serial number the names are unique again
    path = write(tmp_path, {"sources": sources(sim), "duplicate_hostnames": "error", "hostnames": ["serial"]})
    assert len(hosts_of(ok(*inventory(ansible_env, path)))) == 9


def test_a_device_listed_by_two_sources_is_one_host(sim, ansible_env, tmp_path):
    given = sources(sim, ("ncm",)) + [dict(sources(sim, ("ncm",))[0], name="ncm_online", filters={"state": "online"})]
    process, data = inventory(ansible_env, write(tmp_path, {"sources": given}))
    hostvars = plain(ok(process, data))["_meta"]["hostvars"]
    assert len(hostvars) == 3 and set(host["wanfleet_source"] for host in hostvars.values()) == {"ncm"}
    assert "[WARNING]" not in process.stderr


# ---- the cache -------------------------------------------------------------------------------------------


def cached_config(sim, tmp_path, **extra):
    return dict(
        {
            "sources": sources(sim),
            "cache": True,
            "cache_plugin": "ansible.builtin.jsonfile",
            "cache_connection": str(tmp_path / "cache"),
            "cache_timeout": 3600,
        },
        **extra,
    )


def test_cache_hit_sends_no_request(sim, ansible_env, tmp_path):
    path = write(tmp_path, cached_config(sim, tmp_path))
    first = normalise(ok(*inventory(ansible_env, path)))
    assert sim.requests()
    assert os.listdir(str(tmp_path / "cache"))
    sim.clear_requests()
    second = normalise(ok(*inventory(ansible_env, path)))
    assert sim.requests() == []  # not one request reached the simulator
    assert second == first
    cached = open(os.path.join(str(tmp_path / "cache"), os.listdir(str(tmp_path / "cache"))[0])).read()
    assert not any(secret in cached for secret in SECRETS)  # records only, never credentials
    # host names, groups and compose are applied to the cached records: changing them needs no listing
    path = write(tmp_path, cached_config(sim, tmp_path, hostnames=["serial"], compose={"x": "1"}))
    data = plain(ok(*inventory(ansible_env, path)))
    assert sim.requests() == []
    assert all(name == host["wanfleet_serial"] and str(host["x"]) == "1" for name, host in data["_meta"]["hostvars"].items())


@pytest.mark.skipif(ansible_core_version() < (2, 19), reason="ansible-inventory --flush-cache is new in ansible-core 2.19")
def test_flush_cache_lists_again_and_rewrites(sim, ansible_env, tmp_path):
    path = write(tmp_path, cached_config(sim, tmp_path))
    ok(*inventory(ansible_env, path))
    rename_ncm_router(sim, ncm_router_ids(sim)[0], "renamed-router")
    sim.clear_requests()
    assert "renamed-router" not in hosts_of(ok(*inventory(ansible_env, path)))  # still the cached listing
    assert sim.requests() == []
    assert "renamed-router" in hosts_of(ok(*inventory(ansible_env, path, "--flush-cache")))
    assert sim.requests()
    sim.clear_requests()
    assert "renamed-router" in hosts_of(ok(*inventory(ansible_env, path)))  # the cache was rewritten
    assert sim.requests() == []


def test_cache_expires(sim, ansible_env, tmp_path):
    path = write(tmp_path, cached_config(sim, tmp_path, cache_timeout=1))
    ok(*inventory(ansible_env, path))
    time.sleep(2.5)
    sim.clear_requests()
    ok(*inventory(ansible_env, path))
    assert sim.requests()


def test_changed_sources_are_not_served_from_the_cache(sim, ansible_env, tmp_path):
    path = write(tmp_path, cached_config(sim, tmp_path))
    ok(*inventory(ansible_env, path))
    sim.clear_requests()
    given = sources(sim, ("ncm",), filters={"state": "offline"})
    path = write(tmp_path, cached_config(sim, tmp_path, sources=given))
    data = plain(ok(*inventory(ansible_env, path)))
    assert sim.requests()
    assert all(host["wanfleet_status"] == "offline" for host in data["_meta"]["hostvars"].values())


def test_cache_disabled_by_default(sim, ansible_env, tmp_path):
    path = write(tmp_path, {"sources": sources(sim)})
    ok(*inventory(ansible_env, path))
    sim.clear_requests()
    ok(*inventory(ansible_env, path))
    assert sim.requests()


# ---- faults ------------------------------------------------------------------------------------------------


def test_429_and_transient_5xx_are_retried(sim, ansible_env, tmp_path):
    sim.fault(method="GET", path="^/api/v2/routers/$", status=429, retry_after=0, count=2)
    sim.fault(method="GET", path="^/network/device$", status=503, count=1)
    sim.fault(method="GET", path="/d/basic$", status=502, count=1)
    process, data = inventory(ansible_env, write(tmp_path, {"sources": sources(sim)}))
    assert normalise(ok(process, data)) == normalise_golden("mixed.json")
    statuses = [(entry["path"], entry["status"]) for entry in sim.requests()]
    assert statuses.count(("/api/v2/routers/", 429)) == 2 and ("/api/v2/routers/", 200) in statuses
    assert "retried" in process.stderr  # the user learns that the API throttled


def normalise_golden(name):
    with open(os.path.join(FILES, name)) as handle:
        return json.load(handle)


def test_a_page_that_keeps_failing_fails_the_inventory(sim, ansible_env, tmp_path):
    sim.fault(method="GET", path="^/api/v2/routers/$", status=503, count=100)
    given = sources(sim, max_retries=1)
    process, data = inventory(ansible_env, write(tmp_path, {"sources": given}), env={"ANSIBLE_INVENTORY_UNPARSED_FAILED": "1"})
    assert process.returncode != 0
    assert "the fleet could not be listed, so no host is added" in process.stderr
    assert "ncm: GET /routers/ failed with HTTP 503" in process.stderr
    assert not any(secret in process.stdout + process.stderr for secret in SECRETS)
    # without the setting, Ansible warns and goes on without the source: still no partial list
    process, data = inventory(ansible_env, write(tmp_path, {"sources": given}))
    assert data is None or hosts_of(data) == set()
    assert "the fleet could not be listed" in process.stderr


def test_a_failure_after_some_data_still_gives_nothing(sim, ansible_env, tmp_path):
    """The routers were listed, the firmware names were not: no NCM host, and no host of the other sources."""
    sim.fault(method="GET", path="^/api/v2/firmwares/$", status=500, count=100)
    process, data = inventory(ansible_env, write(tmp_path, {"sources": sources(sim, max_retries=0)}), env={"ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED": "1"})
    assert process.returncode != 0
    assert "firmwares" in process.stderr and "no host is added" in process.stderr


def test_403_follows_strict_permissions(sim, ansible_env, tmp_path):
    sim.fault(method="GET", path="^/network/device$", status=403, count=100)
    config = {"sources": sources(sim)}
    process = inventory(ansible_env, write(tmp_path, config), env={"ANSIBLE_INVENTORY_UNPARSED_FAILED": "1"})[0]
    assert process.returncode != 0
    assert "strict_permissions: false" in process.stderr
    config["strict_permissions"] = False
    process, data = inventory(ansible_env, write(tmp_path, config))
    hostvars = plain(ok(process, data))["_meta"]["hostvars"]
    assert set(host["wanfleet_platform"] for host in hostvars.values()) == {"incontrol", "ncm"}
    assert "source telecomx is left out" in process.stderr


def test_bad_credentials_always_fail(sim, ansible_env, tmp_path):
    given = sources(sim)
    given[1]["ncm"] = dict(given[1]["ncm"], cp_api_key="wrong-key")
    config = {"sources": given, "strict_permissions": False}
    process = inventory(ansible_env, write(tmp_path, config), env={"ANSIBLE_INVENTORY_UNPARSED_FAILED": "1"})[0]
    assert process.returncode != 0 and "ncm" in process.stderr
    assert "wrong-key" not in process.stderr


# ---- configuration --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "source, message",
    [
        ({"platform": "ncm", "filter": {"state": "online"}}, "unknown key(s) filter"),
        ({"platform": "ncm", "incontrol": {"client_id": "x"}}, "put the incontrol credentials in a source of its own"),
        ({"platform": "peplink_router"}, "through their InControl organization"),
        ({"platform": "ncm", "ncm": {"cp_api_id": "a"}}, "X_CP_API_KEY"),
        ({"platform": "ncm", "ncm": {"colour": "blue"}}, "unknown option(s) colour"),
    ],
)
def test_configuration_errors_stop_before_any_request(sim, ansible_env, tmp_path, source, message):
    process = inventory(ansible_env, write(tmp_path, {"sources": [source]}), env={"ANSIBLE_INVENTORY_UNPARSED_FAILED": "1"})[0]
    assert process.returncode != 0
    assert message in process.stderr, process.stderr
    assert sim.requests() == []


def test_credentials_from_the_environment(sim, ansible_env, tmp_path):
    env = {
        "INCONTROL_URL": sim.url,
        "INCONTROL_CLIENT_ID": "sim-client",
        "INCONTROL_CLIENT_SECRET": "sim-secret",
        "INCONTROL_ORG": "sim-org",
        "CP_BASE_URL": sim.platform_url("ncm"),
        "X_CP_API_ID": "sim-cp-id",
        "X_CP_API_KEY": "sim-cp-key",
        "X_ECM_API_ID": "sim-ecm-id",
        "X_ECM_API_KEY": "sim-ecm-key",
        "TELECOMX_URL": sim.url,
        "TELECOMX_USERNAME": "viewer@example.com",
        "TELECOMX_PASSWORD": "sim-password",
    }
    path = write(tmp_path, {"sources": [{"platform": "incontrol"}, {"platform": "ncm"}, {"platform": "telecomx"}]})
    data = normalise(ok(*inventory(ansible_env, path, env=env)))
    assert data == normalise_golden("mixed.json")


def test_templated_and_vaulted_credentials(sim, ansible_env, tmp_path):
    password_file = tmp_path / "vault-password"
    password_file.write_text("vault-pass")
    encrypted = subprocess.run(
        [os.path.join(BIN, "ansible-vault"), "encrypt_string", "--vault-password-file", str(password_file), "sim-ecm-key"],
        env=ansible_env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    creds = credentials(sim)["ncm"]
    text = "\n".join(
        [
            "plugin: wanfleet.routers.fleet",
            "sources:",
            "  - platform: ncm",
            "    ncm:",
            "      url: %s" % creds["url"],
            "      cp_api_id: \"{{ lookup('ansible.builtin.env', 'MY_NCM_ID') }}\"",
            '      cp_api_key: "{{ ncm_key }}"',
            "      ecm_api_id: sim-ecm-id",
            "      ecm_api_key: " + encrypted.strip().replace("\n", "\n  "),
            "",
        ]
    )
    (tmp_path / "vault.wanfleet.yml").write_text(text)
    process, data = inventory(
        ansible_env,
        str(tmp_path / "vault.wanfleet.yml"),
        "--vault-password-file",
        str(password_file),
        "-e",
        "ncm_key=sim-cp-key",
        env={"MY_NCM_ID": "sim-cp-id"},
    )
    assert len(hosts_of(ok(process, data))) == 3


# ---- AWX ------------------------------------------------------------------------------------------------------


def credential_env(type_file, inputs):
    """What AWX injects for a credential of this custom type: its env injectors rendered with the inputs
    (an optional input left empty renders as an empty string)."""
    with open(os.path.join(CREDENTIAL_TYPES, type_file)) as handle:
        definition = yaml.safe_load(handle)
    environment = jinja2.sandbox.ImmutableSandboxedEnvironment()
    return dict((name, environment.from_string(template).render(**inputs)) for name, template in definition["injectors"]["env"].items())


def awx_private_data_dir(tmp_path):
    """The layout of an AWX inventory update from a project: project/, requirements_collections/, artifacts/."""
    private = tmp_path / "awx"
    shutil.copytree(os.path.join(FILES, "awx_project"), str(private / "project"))
    # AWX installs collections/requirements.yml of the project here before the update; this checkout stands in.
    collections = private / "requirements_collections" / "ansible_collections" / "wanfleet"
    collections.mkdir(parents=True)
    os.symlink(ROOT, str(collections / "routers"))
    (private / "artifacts" / "7").mkdir(parents=True)
    return private


def run_like_awx(ansible_env, private, injected, source_vars=None):
    """ansible-inventory the way AWX's RunInventoryUpdate.build_args/build_env runs it for an SCM source."""
    env = dict((key, value) for key, value in ansible_env.items() if not key.startswith("ANSIBLE_"))
    env.update(AWX_INVENTORY_ENV)
    env["ANSIBLE_COLLECTIONS_PATH"] = os.pathsep.join([str(private / "requirements_collections"), "~/.ansible/collections", "/usr/share/ansible/collections"])
    env["WANFLEET_CACHE_DIR"] = ansible_env["WANFLEET_CACHE_DIR"]
    env.update(injected)
    env.update(dict((key, str(value)) for key, value in (source_vars or {}).items()))  # AWX: source vars -> env
    source = private / "project" / "inventories" / "fleet.wanfleet.yml"
    output = private / "artifacts" / "7" / "output.json"
    args = [os.path.join(BIN, "ansible-inventory"), "--list", "--export", "-i", str(source), "--output", str(output), "--playbook-dir", str(source.parent)]
    process = subprocess.run(args, env=env, capture_output=True, text=True, timeout=300, cwd=str(private), check=False)
    data = json.loads(output.read_text()) if output.exists() else None
    return process, data


def awx_inputs(sim, **overrides):
    inputs = {
        "incontrol_url": sim.url,
        "incontrol_client_id": "sim-client",
        "incontrol_client_secret": "sim-secret",
        "incontrol_organization": "sim-org",
        "ncm_url": sim.platform_url("ncm"),
        "ncm_cp_api_id": "sim-cp-id",
        "ncm_cp_api_key": "sim-cp-key",
        "ncm_ecm_api_id": "sim-ecm-id",
        "ncm_ecm_api_key": "sim-ecm-key",
        "telecomx_url": sim.url,
        "telecomx_username": "viewer@example.com",
        "telecomx_password": "sim-password",
    }  # telecomx_token and telecomx_customer left empty, as a user would
    inputs.update(overrides)
    return inputs


def awx_enabled(hostvars, enabled_var, enabled_value):
    """What AWX's inventory import makes of a host's enabled variable (Command._get_enabled in
    awx/main/management/commands/inventory_import.py): the value as it was printed, compared as lower-case text."""
    value = hostvars
    for key in enabled_var.split("."):
        value = value.get(key) if hasattr(value, "get") else None
    return str(enabled_value).lower() == str(value).lower()


def test_awx_project_inventory_source(sim, ansible_env, tmp_path):
    private = awx_private_data_dir(tmp_path)
    injected = credential_env("fleet.yml", awx_inputs(sim))
    assert injected["TELECOMX_TOKEN"] == ""  # AWX sets empty variables for empty optional fields
    process, data = run_like_awx(ansible_env, private, injected)
    assert process.returncode == 0, process.stdout + process.stderr
    assert data is not None
    # The settings docs/awx.md gives, applied to the output exactly as AWX reads it (no unwrapping)
    exported = data["_meta"]["hostvars"]
    enabled = dict((name, awx_enabled(host, "wanfleet_online", "true")) for name, host in exported.items())
    assert enabled == dict((name, plain(host)["wanfleet_status"] == "online") for name, host in exported.items())
    assert any(enabled.values()) and not all(enabled.values())
    # why not wanfleet_status: on ansible-core 2.19 it prints as {"__ansible_unsafe": "online"}, never "online"
    assert not any(awx_enabled(host, "wanfleet_status", "online") for host in exported.values())
    data = plain(data)
    hostvars = data["_meta"]["hostvars"]
    assert len(hostvars) == 9
    assert normalise(data)["hostvars"] == normalise_golden("mixed.json")["hostvars"]
    # --export: the plugin sets no group variables, so nothing but hosts and children in the groups
    assert all(set(group) <= {"hosts", "children"} for name, group in data.items() if name != "_meta")
    text = (private / "artifacts" / "7" / "output.json").read_text() + process.stdout + process.stderr
    assert not any(secret in text for secret in SECRETS)


def test_awx_per_platform_credential_and_source_vars(sim, ansible_env, tmp_path):
    """One platform per inventory source: its own credential type; AWX passes source variables as environment."""
    private = awx_private_data_dir(tmp_path)
    (private / "project" / "inventories" / "fleet.wanfleet.yml").write_text("plugin: wanfleet.routers.fleet\nsources:\n  - platform: ncm\n")
    injected = credential_env(
        "ncm.yml", {"url": "", "cp_api_id": "sim-cp-id", "cp_api_key": "sim-cp-key", "ecm_api_id": "sim-ecm-id", "ecm_api_key": "sim-ecm-key"}
    )
    process, data = run_like_awx(ansible_env, private, injected, source_vars={"CP_BASE_URL": sim.platform_url("ncm")})
    assert process.returncode == 0, process.stderr
    assert len(plain(data)["_meta"]["hostvars"]) == 3


def test_awx_failed_listing_fails_the_sync(sim, ansible_env, tmp_path):
    """AWX keeps the previous inventory when the update fails: no output, non-zero exit."""
    sim.fault(method="GET", path="^/api/v2/routers/$", status=503, count=100)
    private = awx_private_data_dir(tmp_path)
    (private / "project" / "inventories" / "fleet.wanfleet.yml").write_text(
        "plugin: wanfleet.routers.fleet\nsources:\n  - platform: incontrol\n  - platform: ncm\n    max_retries: 1\n"
    )
    process, data = run_like_awx(ansible_env, private, credential_env("fleet.yml", awx_inputs(sim)))
    assert process.returncode != 0 and data is None
    assert "ncm: GET /routers/ failed with HTTP 503" in process.stderr
