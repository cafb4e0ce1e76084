"""Benchmark: the wanfleet.routers.fleet inventory on 10,000 NCM routers plus 10,000 InControl devices.

One simulator (`--fleet 10000`, 20 ms added to every request) serves every run. Measured, interleaved,
BENCH_RUNS times each (default 3), wall-clock medians:

  live    ansible-inventory --list on a file with an InControl and an NCM source (no cache)
  sdk     a script listing the same 10,000 NCM routers with Cradlepoint's ncm SDK
          (NcmClientv2.get_routers(limit='all'), its documented way to get every router)
  client  a script listing the same NCM routers with this collection's NCM client (the inventory's HTTP part)
  cached  ansible-inventory --list on the same file with cache: true, the cache filled beforehand
          (checked: not one request reaches the simulator)
  static  ansible-inventory --list on a static YAML inventory of the same hosts, variables and groups

and prints the ratios live/sdk, client/sdk, cached/static and live/cached.

    make bench                      # or: PYTHONPATH=.:<collections path> python bench/bench_inventory.py
    BENCH_RUNS=5 BENCH_FLEET=2000 python bench/bench_inventory.py

BENCH_LATENCY_MS sets the time added to every request (default 20). NetCloud Manager answers a page of
500 routers in about a second: BENCH_LATENCY_MS=1000 (or =netcloud) resembles it, and there the
client's speed-up over the SDK (sdk/client) should be at least 3. BENCH_CONTENDERS picks contenders
(e.g. sdk,client: about two minutes instead of ten). BENCH_BASELINE=<an older checkout> adds `before`,
the client script run with that checkout, for before/after figures from one run.

    BENCH_LATENCY_MS=netcloud BENCH_CONTENDERS=sdk,client python bench/bench_inventory.py
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, ROOT)

from tests.simulator.process import Simulator  # noqa: E402  (the repository root is on the path now)

BIN = os.path.dirname(sys.executable)
RUNS = int(os.environ.get("BENCH_RUNS", "3"))
FLEET = int(os.environ.get("BENCH_FLEET", "10000"))
# NetCloud Manager's pages take about a second (issue 18's measurements): "netcloud" stands for that.
NETCLOUD_LATENCY_MS = 1000
LATENCY_MS = int(os.environ.get("BENCH_LATENCY_MS", "20").replace("netcloud", str(NETCLOUD_LATENCY_MS)))
# BENCH_BASELINE=<an older checkout of this collection>: `before` runs the client script with it, for before/after
# figures measured interleaved in one run.
BASELINE = os.environ.get("BENCH_BASELINE")
ALL_CONTENDERS = ("live", "sdk", "before", "client", "cached", "static") if BASELINE else ("live", "sdk", "client", "cached", "static")
# BENCH_CONTENDERS=sdk,client: only those (the inventory runs take most of the ten minutes).
CONTENDERS = tuple(name for name in ALL_CONTENDERS if name in os.environ.get("BENCH_CONTENDERS", ",".join(ALL_CONTENDERS)).split(",") + ["before"])
NCM_KEYS = {"X-CP-API-ID": "sim-cp-id", "X-CP-API-KEY": "sim-cp-key", "X-ECM-API-ID": "sim-ecm-id", "X-ECM-API-KEY": "sim-ecm-key"}

SDK_SCRIPT = textwrap.dedent("""
    import json, sys
    import ncm
    client = ncm.NcmClientv2(api_keys=json.loads(sys.argv[2]), base_url=sys.argv[1], log_events=False)
    routers = client.get_routers(limit="all")
    json.dump(routers, sys.stdout)
    sys.stderr.write("%d\\n" % len(routers))
""")

CLIENT_SCRIPT = textwrap.dedent("""
    import json, sys
    from ansible_collections.wanfleet.routers.plugins.module_utils.clients import open_client
    params = {"platform": "ncm", "ncm": json.loads(sys.argv[1])}
    with open_client(params) as client:
        devices = client.devices(detail=False)
    json.dump([device.record() for device in devices], sys.stdout)
    sys.stderr.write("%d\\n" % len(devices))
""")


def collections_path():
    """A collections path with this checkout as wanfleet.routers: the one set up by `make`, or a temporary one."""
    given = os.environ.get("ANSIBLE_COLLECTIONS_PATH")
    if given and os.path.isdir(os.path.join(given.split(os.pathsep)[0], "ansible_collections", "wanfleet", "routers")):
        return given
    return collection_layout(ROOT)


def collection_layout(checkout):
    """A temporary collections path with `checkout` as wanfleet.routers."""
    base = tempfile.mkdtemp(prefix="wanfleet-bench-collections-")
    os.makedirs(os.path.join(base, "ansible_collections", "wanfleet"))
    os.symlink(os.path.abspath(checkout), os.path.join(base, "ansible_collections", "wanfleet", "routers"))
    return base


def timed(args, env):
    """(wall seconds, CPU seconds of the child, CompletedProcess)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    process = subprocess.run(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=1800, check=False)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if process.returncode != 0:
        raise SystemExit("benchmark command failed (%s):\n%s\n%s" % (" ".join(args), process.stdout[-2000:], process.stderr[-4000:]))
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return elapsed, cpu, process


def plain(value):
    if isinstance(value, dict):
        if set(value) == {"__ansible_unsafe"}:
            return plain(value["__ansible_unsafe"])
        return dict((key, plain(item)) for key, item in value.items())
    if isinstance(value, list):
        return [plain(item) for item in value]
    return value


def static_inventory(listing, path):
    """A YAML inventory with the hosts, host variables and groups of an ansible-inventory --list output."""
    listing = plain(listing)
    hostvars = listing.pop("_meta")["hostvars"]
    children = {}
    for name, group in listing.items():
        if name in ("all", "ungrouped"):
            continue
        children[name] = {"hosts": dict((host, None) for host in group.get("hosts", []))}
    document = {"all": {"hosts": hostvars, "children": children}}
    with open(path, "w") as handle:
        yaml.dump(document, handle, Dumper=getattr(yaml, "CSafeDumper", yaml.SafeDumper), default_flow_style=False)


def hosts_and_vars(stdout):
    data = plain(json.loads(stdout))
    return data["_meta"]["hostvars"]


def main():
    env = dict(os.environ)
    work = tempfile.mkdtemp(prefix="wanfleet-bench-")
    env.update(
        {
            "ANSIBLE_COLLECTIONS_PATH": collections_path(),
            "ANSIBLE_INVENTORY_UNPARSED_FAILED": "1",
            "ANSIBLE_NOCOLOR": "1",
            "WANFLEET_CACHE_DIR": os.path.join(work, "tokens"),  # the collection's token cache, not the inventory cache
            "PYTHONPATH": os.pathsep.join([ROOT, collections_path()] + [p for p in [os.environ.get("PYTHONPATH")] if p]),
        }
    )
    inventory = os.path.join(BIN, "ansible-inventory")
    print("fleet: %d NCM routers + %d InControl devices, %d ms added per request, %d runs each (medians)" % (FLEET, FLEET, LATENCY_MS, RUNS), flush=True)
    started = time.perf_counter()
    with Simulator(fleet=FLEET, latency_ms=LATENCY_MS) as sim:
        ncm = {"url": sim.platform_url("ncm"), "cp_api_id": "sim-cp-id", "cp_api_key": "sim-cp-key", "ecm_api_id": "sim-ecm-id", "ecm_api_key": "sim-ecm-key"}
        sources = [
            {"platform": "incontrol", "incontrol": {"url": sim.url, "client_id": "sim-client", "client_secret": "sim-secret", "organization": "sim-org"}},
            {"platform": "ncm", "ncm": ncm},
        ]
        live = os.path.join(work, "live.wanfleet.yml")
        cached = os.path.join(work, "cached.wanfleet.yml")
        static = os.path.join(work, "static.yml")
        with open(live, "w") as handle:
            yaml.safe_dump({"plugin": "wanfleet.routers.fleet", "sources": sources}, handle)
        with open(cached, "w") as handle:
            yaml.safe_dump(
                {
                    "plugin": "wanfleet.routers.fleet",
                    "sources": sources,
                    "cache": True,
                    "cache_plugin": "ansible.builtin.jsonfile",
                    "cache_connection": os.path.join(work, "cache"),
                    "cache_timeout": 86400,
                },
                handle,
            )

        commands = dict(
            (name, command)
            for name, command in (
                ("live", [inventory, "-i", live, "--list"]),
                ("sdk", [sys.executable, "-c", SDK_SCRIPT, sim.platform_url("ncm"), json.dumps(NCM_KEYS)]),
                ("before", [sys.executable, "-c", CLIENT_SCRIPT, json.dumps(ncm)]),
                ("client", [sys.executable, "-c", CLIENT_SCRIPT, json.dumps(ncm)]),
                ("cached", [inventory, "-i", cached, "--list"]),
                ("static", [inventory, "-i", static, "--list"]),
            )
            if name in CONTENDERS
        )
        # `before`: the same script with the older checkout in place of this one
        envs = {"before": dict(env, PYTHONPATH=collection_layout(BASELINE))} if BASELINE else {}
        times = dict((name, []) for name in commands)
        cpu = dict((name, []) for name in commands)

        # Warm-up, outside the timings: the InControl token, the static file made from a live listing, the
        # inventory cache (its first run lists and writes it).
        if set(commands) & {"live", "cached", "static"}:
            process = timed([inventory, "-i", live, "--list"], env)[2]
            hostvars = hosts_and_vars(process.stdout)
            assert len(hostvars) == 2 * FLEET, len(hostvars)
            static_inventory(json.loads(process.stdout), static)
            timed([inventory, "-i", cached, "--list"], env)

        def check(name, process):
            """On the first run: every contender lists the whole fleet; the inventories give the same hosts."""
            if name in ("sdk", "before", "client"):
                assert int(process.stderr.split()[-1]) == FLEET, (name, process.stderr[-200:])
            else:
                assert hosts_and_vars(process.stdout) == hostvars, name

        for run in range(RUNS):
            for name in [name for name in ("live", "sdk", "before", "client") if name in commands]:
                elapsed, used, process = timed(commands[name], envs.get(name, env))
                times[name].append(elapsed)
                cpu[name].append(used)
                if run == 0:
                    check(name, process)
            sim.clear_requests()
            for name in [name for name in ("cached", "static") if name in commands]:
                elapsed, used, process = timed(commands[name], env)
                times[name].append(elapsed)
                cpu[name].append(used)
                if run == 0:
                    check(name, process)
            reached = sim.requests()
            assert reached == [], "a cached run sent %d requests" % len(reached)
            print("run %d/%d: %s" % (run + 1, RUNS, ", ".join("%s %.2fs" % (name, times[name][-1]) for name in commands)), flush=True)

    median = dict((name, statistics.median(values)) for name, values in times.items())
    median_cpu = dict((name, statistics.median(values)) for name, values in cpu.items())
    print()
    print("%-8s %12s %12s   %s" % ("", "wall median", "CPU median", "wall, all runs (s)"))
    for name, values in times.items():
        print("%-8s %11.2fs %11.2fs   %s" % (name, median[name], median_cpu[name], " ".join("%.2f" % value for value in values)))
    print()
    print("%-20s %6s %6s" % ("ratio", "wall", "CPU"))
    for label, first, second, what in (
        ("live/sdk", "live", "sdk", "ansible-inventory, %d hosts of two platforms, vs the ncm SDK listing %d NCM routers" % (2 * FLEET, FLEET)),
        ("client/sdk", "client", "sdk", "this collection's NCM client vs the ncm SDK, the same %d routers" % FLEET),
        ("client/before", "client", "before", "this checkout's NCM client vs the one of BENCH_BASELINE"),
        ("before/sdk", "before", "sdk", "BENCH_BASELINE's NCM client vs the ncm SDK"),
        ("cached/static", "cached", "static", "cached inventory vs a static YAML inventory of the same hosts"),
        ("live/cached", "live", "cached", "listing vs cache, same inventory"),
    ):
        if first not in median or second not in median:
            continue
        print("%-20s %6.2f %6.2f   %s" % (label, median[first] / median[second], median_cpu[first] / median_cpu[second], what))
    if "sdk" in median and "client" in median:
        print(
            "%-20s %6.2f %6s   the client's speed-up over the ncm SDK (wall)%s"
            % ("sdk/client", median["sdk"] / median["client"], "", ", target >= 3 at NetCloud-like latency" if LATENCY_MS >= NETCLOUD_LATENCY_MS else "")
        )
    load = " ".join("%.1f" % value for value in os.getloadavg())
    print("(benchmark took %.0fs; machine: %d CPUs, load %s)" % (time.perf_counter() - started, os.cpu_count(), load))


if __name__ == "__main__":
    main()
