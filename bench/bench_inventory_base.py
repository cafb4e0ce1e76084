"""Benchmark: the fleet inventory of this checkout against the same inventory at an earlier git revision.

"Not slower than before" needs a before measured beside the after: one simulator (`--fleet 10000`, 20 ms
added to every request) serves both; `ansible-inventory --list` of an InControl and an NCM source (the
`live` contender of bench_inventory.py) and the same with `cache: true`, the cache filled beforehand (its
`cached` contender), run BENCH_RUNS times (default 5) for each revision, interleaved, and the script prints
wall-clock and CPU medians and the ratios head/base (below 1: this checkout is faster).

    BENCH_BASE=3efc0a3 PYTHONPATH=. .venv/bin/python bench/bench_inventory_base.py
    BENCH_BASE=v0.1.0 BENCH_RUNS=3 BENCH_FLEET=2000 .venv/bin/python bench/bench_inventory_base.py

The base revision is exported with `git archive` into a temporary folder (nothing in the checkout changes).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path[:0] = [ROOT, HERE]

from bench_inventory import BIN, FLEET, LATENCY_MS, hosts_and_vars, timed  # noqa: E402
from tests.simulator.process import Simulator  # noqa: E402

BASE = os.environ.get("BENCH_BASE", "3efc0a3")
RUNS = int(os.environ.get("BENCH_RUNS", "5"))


def collection_at(revision, folder):
    """A collections path holding wanfleet.routers as it was at `revision` (or this checkout for None)."""
    routers = os.path.join(folder, "ansible_collections", "wanfleet", "routers")
    os.makedirs(os.path.dirname(routers))
    if revision is None:
        os.symlink(ROOT, routers)
    else:
        os.makedirs(routers)
        archive = subprocess.run(["git", "-C", ROOT, "archive", revision], stdout=subprocess.PIPE, check=True).stdout
        subprocess.run(["tar", "-x", "-C", routers], input=archive, check=True)
    return folder


def main():
    work = tempfile.mkdtemp(prefix="wanfleet-bench-base-")
    paths = {"base": collection_at(BASE, os.path.join(work, "base")), "head": collection_at(None, os.path.join(work, "head"))}
    print(
        "fleet: %d NCM routers + %d InControl devices, %d ms added per request, %d runs each (medians); base %s" % (FLEET, FLEET, LATENCY_MS, RUNS, BASE),
        flush=True,
    )
    started = time.perf_counter()
    with Simulator(fleet=FLEET, latency_ms=LATENCY_MS) as sim:
        sources = [
            {"platform": "incontrol", "incontrol": {"url": sim.url, "client_id": "sim-client", "client_secret": "sim-secret", "organization": "sim-org"}},
            {
                "platform": "ncm",
                "ncm": {
                    "url": sim.platform_url("ncm"),
                    "cp_api_id": "sim-cp-id",
                    "cp_api_key": "sim-cp-key",
                    "ecm_api_id": "sim-ecm-id",
                    "ecm_api_key": "sim-ecm-key",
                },
            },
        ]
        envs = dict(
            (
                name,
                dict(
                    os.environ,
                    ANSIBLE_COLLECTIONS_PATH=path,
                    ANSIBLE_NOCOLOR="1",
                    ANSIBLE_INVENTORY_UNPARSED_FAILED="1",
                    WANFLEET_CACHE_DIR=os.path.join(work, name + "-tokens"),
                ),
            )
            for name, path in paths.items()
        )
        commands = {}
        for name in envs:
            for kind, extra in (
                ("live", {}),
                (
                    "cached",
                    {
                        "cache": True,
                        "cache_plugin": "ansible.builtin.jsonfile",
                        "cache_connection": os.path.join(work, name + "-cache"),
                        "cache_timeout": 86400,
                    },
                ),
            ):
                config = os.path.join(work, "%s-%s.wanfleet.yml" % (name, kind))
                with open(config, "w") as handle:
                    yaml.safe_dump(dict({"plugin": "wanfleet.routers.fleet", "sources": sources}, **extra), handle)
                commands[(name, kind)] = [os.path.join(BIN, "ansible-inventory"), "-i", config, "--list"]
        # Warm-up, outside the timings: the tokens, and each revision's cache filled by its first cached run.
        listings = dict((name, hosts_and_vars(timed(commands[(name, "live")], env)[2].stdout)) for name, env in envs.items())
        for name, env in envs.items():
            timed(commands[(name, "cached")], env)
        assert len(listings["head"]) == 2 * FLEET, len(listings["head"])
        same = sum(1 for host, variables in listings["head"].items() if listings["base"].get(host) == variables)
        differ = sorted(
            set(
                key
                for host, variables in listings["head"].items()
                for key in set(variables) | set(listings["base"].get(host) or {})
                if variables.get(key) != (listings["base"].get(host) or {}).get(key)
            )
        )
        print(
            "hosts: base %d, head %d, with the same variables: %d; variables that differ: %s"
            % (len(listings["base"]), len(listings["head"]), same, ", ".join(differ) or "none")
        )
        wall, cpu = dict((key, []) for key in commands), dict((key, []) for key in commands)
        for _run in range(RUNS):
            for (name, kind), command in commands.items():
                elapsed, used, _process = timed(command, envs[name])
                wall[(name, kind)].append(elapsed)
                cpu[(name, kind)].append(used)
    print("\n                 wall median   CPU median   wall, all runs (s)")
    for name, kind in commands:
        runs = " ".join("%.2f" % value for value in wall[(name, kind)])
        medians = (statistics.median(wall[(name, kind)]), statistics.median(cpu[(name, kind)]))
        print("    %-12s %11.2fs %11.2fs   %s" % ("%s %s" % (kind, name), medians[0], medians[1], runs))
    print()
    for kind in ("live", "cached"):
        print(
            "    %-6s head/base  wall %.2f  CPU %.2f"
            % (
                kind,
                statistics.median(wall[("head", kind)]) / statistics.median(wall[("base", kind)]),
                statistics.median(cpu[("head", kind)]) / statistics.median(cpu[("base", kind)]),
            )
        )
    print("    (took %.0f s)" % (time.perf_counter() - started))


if __name__ == "__main__":
    main()
