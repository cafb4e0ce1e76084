"""The inventory plugin against hostile data: router and group names chosen by whoever can rename a device in a
vendor's cloud, and a cache file someone edited. Real ansible-inventory / ansible runs against the simulator."""

from __future__ import annotations

import json
import os
import subprocess

import httpx
import pytest
import yaml

from tests.integration.conftest import BIN
from tests.integration.test_inventory import (
    cached_config,
    hosts_of,
    inventory,
    ncm_router_ids,
    ok,
    plain,
    rename_ncm_router,
    sources,
    write,
)

pytestmark = pytest.mark.integration

NCM_KEYS = {"X-CP-API-ID": "sim-cp-id", "X-CP-API-KEY": "sim-cp-key", "X-ECM-API-ID": "sim-ecm-id", "X-ECM-API-KEY": "sim-ecm-key"}
STATIC = "[webservers]\nweb1 ansible_connection=ssh\n\n[databases]\ndb01 ansible_connection=ssh role=database\n"
# Characters that split or steer a host pattern, a --limit @file or AWX's relaunch limit.
PATTERN_CHARACTERS = ("\n", ",", ":", "!", "&", "~", "*", "?", "[", "]", "@", " ")


def rename_ncm_group(sim, group_id, name):
    response = httpx.put("%s/api/v2/groups/%s/" % (sim.url, group_id), json={"name": name}, headers=NCM_KEYS)
    assert response.status_code == 202, response.text


def ncm_routers(sim):
    routers = sim.state()["ncm"]["routers"]
    return sorted(routers, key=lambda router: (len(str(router["id"])), str(router["id"])))


def with_static(ansible_env, tmp_path, config, *args, env=None):
    """ansible-inventory -i static.ini -i fleet.wanfleet.yml --list: a static inventory first, as users combine them."""
    (tmp_path / "static.ini").write_text(STATIC)
    path = write(tmp_path, config)
    command = [os.path.join(BIN, "ansible-inventory"), "-i", str(tmp_path / "static.ini"), "-i", path, "--list"] + list(args)
    process = subprocess.run(command, env=dict(ansible_env, **(env or {})), capture_output=True, text=True, timeout=300, cwd=str(tmp_path), check=False)
    return process, (json.loads(process.stdout) if process.returncode == 0 and process.stdout.strip() else None)


def list_hosts(ansible_env, tmp_path, pattern):
    """The hosts `ansible <pattern> --list-hosts` selects from static.ini + fleet.wanfleet.yml."""
    command = [os.path.join(BIN, "ansible"), "-i", str(tmp_path / "static.ini"), "-i", str(tmp_path / "fleet.wanfleet.yml"), pattern, "--list-hosts"]
    process = subprocess.run(command, env=ansible_env, capture_output=True, text=True, timeout=300, cwd=str(tmp_path), check=False)
    assert process.returncode == 0, process.stdout + process.stderr
    return set(line.strip() for line in process.stdout.splitlines()[1:] if line.strip())


HOSTILE_NAMES = ("db01", "webservers", "localhost", "all", "wanfleet_online", "store-7\nall", "a,b:c[0]")


def test_hostile_router_names_never_write_onto_other_hosts_or_groups(sim, ansible_env, tmp_path):
    # the seed has three NCM routers: a static host, a static group and the plugin's own status group
    names = dict(zip([router["id"] for router in ncm_routers(sim)], ("db01", "webservers", "wanfleet_online")))
    for router_id, name in names.items():
        rename_ncm_router(sim, router_id, name)
    process, data = with_static(ansible_env, tmp_path, {"sources": sources(sim)})
    data = plain(ok(process, data))
    hostvars = data["_meta"]["hostvars"]
    # the static host and group keep what the static inventory gave them, and nothing else
    assert hostvars["db01"] == {"ansible_connection": "ssh", "role": "database"}
    assert data["webservers"] == {"hosts": ["web1"]}
    assert "localhost" not in hostvars and "all" not in hostvars
    ours = dict((name, host) for name, host in hostvars.items() if host.get("wanfleet_platform") == "ncm")
    assert sorted(host["wanfleet_name"] for host in ours.values()) == sorted(names.values())
    for name, host in ours.items():
        assert name not in data and name not in ("db01", "webservers", "localhost", "all")
        assert not any(char in name for char in PATTERN_CHARACTERS), repr(name)
    # the plugin's groups hold hosts only, and the status group only routers of that status
    assert set(data["wanfleet_online"]) == {"hosts"}
    assert all(hostvars[name]["wanfleet_status"] == "online" for name in data["wanfleet_online"]["hosts"])
    assert "[WARNING]" in process.stderr and "got a host name that was taken" in process.stderr
    # patterns: the static host is the static host, the online NCM routers are exactly those
    assert list_hosts(ansible_env, tmp_path, "db01") == {"db01"}
    online_ncm = set(name for name, host in ours.items() if host["wanfleet_status"] == "online")
    assert online_ncm and list_hosts(ansible_env, tmp_path, "wanfleet_ncm:&wanfleet_online") == online_ncm


def test_every_hostile_name_is_one_safe_host(sim, ansible_env, tmp_path):
    """Each name in turn, so that every one of them meets the plugin (the seed has three NCM routers)."""
    router = ncm_routers(sim)[0]["id"]
    for name in HOSTILE_NAMES:
        rename_ncm_router(sim, router, name)
        process, data = with_static(ansible_env, tmp_path, {"sources": sources(sim, ("ncm",))})
        data = plain(ok(process, data))
        mine = [host for host, values in data["_meta"]["hostvars"].items() if values.get("wanfleet_id") == str(router)]
        assert len(mine) == 1, (name, mine)
        assert mine[0] not in ("db01", "webservers", "localhost", "all", "wanfleet_online", "ungrouped")
        assert not any(char in mine[0] for char in PATTERN_CHARACTERS), repr(mine[0])
        assert data["_meta"]["hostvars"]["db01"] == {"ansible_connection": "ssh", "role": "database"}


def test_a_taken_name_fails_under_duplicate_hostnames_error(sim, ansible_env, tmp_path):
    rename_ncm_router(sim, ncm_router_ids(sim)[0], "db01")
    process, data = with_static(
        ansible_env, tmp_path, {"sources": sources(sim, ("ncm",)), "duplicate_hostnames": "error"}, env={"ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED": "1"}
    )
    assert process.returncode != 0
    assert "db01 (ncm %s, also a host or group not made by this source)" % ncm_router_ids(sim)[0] in process.stderr


def test_a_name_with_nothing_usable_falls_back_to_the_next_field(sim, ansible_env, tmp_path):
    router = ncm_routers(sim)[0]
    rename_ncm_router(sim, router["id"], "!!! ,,, :::")
    data = plain(ok(*inventory(ansible_env, write(tmp_path, {"sources": sources(sim, ("ncm",))}))))
    names = dict((host["wanfleet_id"], name) for name, host in data["_meta"]["hostvars"].items())
    assert names[str(router["id"])] == data["_meta"]["hostvars"][names[str(router["id"])]]["wanfleet_serial"]


def test_distinct_vendor_groups_stay_distinct_groups(sim, ansible_env, tmp_path):
    routers = ncm_routers(sim)
    group_ids = [str(router["group"]).rstrip("/").rsplit("/", 1)[-1] for router in routers]
    assert len(set(group_ids)) == 3, routers
    for group_id, name in zip(group_ids, ("北京", "上海", "Stores East")):
        rename_ncm_group(sim, group_id, name)
    given = sources(sim, ("ncm",)) + [dict(sources(sim, ("incontrol",))[0])]
    process, data = inventory(ansible_env, write(tmp_path, {"sources": given}))
    data = plain(ok(process, data))
    hostvars = data["_meta"]["hostvars"]
    by_vendor_group = {}
    for name, group in data.items():
        if name.startswith("wanfleet_group_"):
            vendor = set(hostvars[host]["wanfleet_group"] for host in group["hosts"])
            assert len(vendor) == 1, (name, vendor)  # one vendor group per Ansible group
            by_vendor_group.setdefault(vendor.pop(), []).append(name)
    assert set(by_vendor_group) >= {"北京", "上海", "Stores East"}
    assert all(len(names) == 1 for names in by_vendor_group.values()), by_vendor_group
    assert "got a suffix" in process.stderr


def test_stores_east_and_stores_dash_east_are_two_groups(sim, ansible_env, tmp_path):
    group_ids = [str(router["group"]).rstrip("/").rsplit("/", 1)[-1] for router in ncm_routers(sim)]
    rename_ncm_group(sim, group_ids[0], "Stores East")
    rename_ncm_group(sim, group_ids[1], "stores-east")
    data = plain(ok(*inventory(ansible_env, write(tmp_path, {"sources": sources(sim, ("ncm",))}))))
    groups = [name for name in data if name.startswith("wanfleet_group_stores_east")]
    assert len(groups) == 2 and all(len(data[name]["hosts"]) == 1 for name in groups), groups


# ---- the cache is data ---------------------------------------------------------------------------------------


def cache_file(tmp_path):
    (name,) = os.listdir(str(tmp_path / "cache"))
    return tmp_path / "cache" / name


def edit_cache(tmp_path, edit):
    """Edit the records of the jsonfile cache (ansible-core 2.19 wraps them in a __payload__ string)."""
    path = cache_file(tmp_path)
    outer = json.loads(path.read_text())
    wrapped = isinstance(outer, dict) and "__payload__" in outer
    data = json.loads(outer["__payload__"]) if wrapped else outer
    edit(data["records"])
    path.write_text(json.dumps({"__payload__": json.dumps(data)} if wrapped else data))


def trusted(text):
    """A string as ansible-core 2.19's cache persistence writes one tagged TrustedAsTemplate."""
    return {"value": text, "tags": [{"__ansible_type": "TrustedAsTemplate"}], "__ansible_type": "_AnsibleTaggedStr"}


def test_a_trusted_template_in_the_cache_is_never_run(sim, ansible_env, tmp_path):
    path = write(tmp_path, cached_config(sim, tmp_path, sources=sources(sim, ("ncm",))))
    ok(*inventory(ansible_env, path))
    marker = tmp_path / "pwned"
    edit_cache(tmp_path, lambda records: records[0].update(firmware=trusted("{{ lookup('pipe', 'touch %s') }}" % marker)))
    play = [{"hosts": "wanfleet_ncm", "gather_facts": False, "tasks": [{"ansible.builtin.debug": {"msg": "firmware {{ wanfleet_firmware }}"}}]}]
    (tmp_path / "play.yml").write_text(yaml.safe_dump(play))
    process = subprocess.run(
        [os.path.join(BIN, "ansible-playbook"), "-i", path, str(tmp_path / "play.yml")],
        env=ansible_env,
        capture_output=True,
        text=True,
        timeout=300,
        cwd=str(tmp_path),
        check=False,
    )
    assert not marker.exists(), process.stdout + process.stderr
    assert process.returncode == 0, process.stdout + process.stderr


@pytest.mark.parametrize(
    "edit, reason",
    [
        (lambda records: records[0].update(status="<img src=x onerror=alert(1)>"), "status"),
        (lambda records: records.__setitem__(0, 7), "is not a dictionary"),
        (lambda records: records[0].update(admin_password="x"), "keys"),
        (lambda records: records[0].update(name=["a", "b"]), "not a device record"),
        (lambda records: records[0].update(source="elsewhere"), "names no configured source"),
    ],
)
def test_an_unusable_cache_entry_is_listed_again_and_rewritten(sim, ansible_env, tmp_path, edit, reason):
    path = write(tmp_path, cached_config(sim, tmp_path))
    expected = plain(ok(*inventory(ansible_env, path)))
    edit_cache(tmp_path, edit)
    sim.clear_requests()
    process, data = inventory(ansible_env, path)
    assert plain(ok(process, data)) == expected
    assert sim.requests()  # a cache miss: listed again
    assert "is not used" in process.stderr and reason in process.stderr, process.stderr
    sim.clear_requests()
    assert plain(ok(*inventory(ansible_env, path))) == expected  # ...and rewritten
    assert sim.requests() == []


def test_a_listing_that_left_a_source_out_is_not_cached(sim, ansible_env, tmp_path):
    sim.fault(method="GET", path="^/network/device$", status=403, count=1)
    path = write(tmp_path, cached_config(sim, tmp_path, strict_permissions=False))
    process, data = inventory(ansible_env, path)
    assert "source telecomx is left out" in process.stderr
    assert "telecomx" not in set(host["wanfleet_platform"] for host in plain(ok(process, data))["_meta"]["hostvars"].values())
    process, data = inventory(ansible_env, path)  # the API is healthy again
    platforms = set(host["wanfleet_platform"] for host in plain(ok(process, data))["_meta"]["hostvars"].values())
    assert platforms == {"incontrol", "ncm", "telecomx"}
    sim.clear_requests()
    ok(*inventory(ansible_env, path))  # the complete listing was cached
    assert sim.requests() == []


def test_a_source_that_fails_under_strict_adds_no_host(sim, ansible_env, tmp_path):
    """A compose expression that fails on one device (TelecomX has no group) fails the source after other hosts
    were added: none of them stays. Without ANSIBLE_INVENTORY_UNPARSED_FAILED Ansible goes on with the rest."""
    config = {"sources": sources(sim), "compose": {"group_upper": "wanfleet_group.upper()"}, "strict": True}
    process, data = with_static(ansible_env, tmp_path, config)
    assert process.returncode == 0 and "group_upper" in process.stderr, process.stderr
    data = plain(data)
    assert hosts_of(data) == {"web1", "db01"}
    assert not [name for name in data if name.startswith("wanfleet_")]
