"""Benchmark: what importing one module and its platform costs in the worker, this checkout against a revision.

A task run in the controller's worker imports the module file (its SPEC and operate()) and the client of
the one platform it uses (`clients.platform_module()`); ansible-core itself is already loaded there. Each
measurement is a fresh interpreter that first imports what the worker already has
(`ansible.module_utils.basic`, `ansible.plugins.action`), then times, in CPU seconds, the import of
`plugins/modules/<module>.py` and `clients.platform_module(<platform>)`. Runs alternate between the base
revision and this checkout; the script prints the medians and the ratio head/base (below 1: cheaper now).

    BENCH_BASE=1d48344 PYTHONPATH=. .venv/bin/python bench/bench_import_cost.py
    BENCH_BASE=v0.1.0 BENCH_RUNS=15 BENCH_BYTECODE=0 .venv/bin/python bench/bench_import_cost.py

BENCH_BYTECODE=0 imports from source every time (as an AnsiballZ payload does); by default the revisions'
bytecode is written by a warm-up run first, as an installed collection has it.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path[:0] = [ROOT, HERE]

from bench_inventory_base import collection_at  # noqa: E402

BASE = os.environ.get("BENCH_BASE", "1d48344")
RUNS = int(os.environ.get("BENCH_RUNS", "9"))
BYTECODE = os.environ.get("BENCH_BYTECODE", "1") != "0"
# One module per platform, the one its operators run most.
CASES = (("ssid_profile", "incontrol"), ("wan_priority", "peplink_router"), ("group", "ncm"), ("telecomx_device", "telecomx"))

PROBE = """
import sys, time
import ansible.module_utils.basic, ansible.plugins.action  # the worker has these already
started = time.process_time()
import importlib
importlib.import_module("ansible_collections.wanfleet.routers.plugins.modules." + sys.argv[1])
from ansible_collections.wanfleet.routers.plugins.module_utils import clients
clients.platform_module(sys.argv[2])
print(time.process_time() - started)
"""


def import_seconds(collections_path, module, platform):
    env = dict(os.environ, PYTHONPATH=collections_path)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    command = [sys.executable] + ([] if BYTECODE else ["-B"]) + ["-c", PROBE, module, platform]
    if not BYTECODE:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    done = subprocess.run(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=collections_path, check=False)
    if done.returncode:
        raise SystemExit("the import failed (%s, %s, %s):\n%s" % (collections_path, module, platform, done.stderr))
    return float(done.stdout.strip().splitlines()[-1])


def main():
    work = tempfile.mkdtemp(prefix="wanfleet-bench-import-")
    paths = {"base": collection_at(BASE, os.path.join(work, "base")), "head": collection_at(None, os.path.join(work, "head"))}
    print(
        "import of one module and its platform in a fresh interpreter (CPU ms, median of %d, %s); base %s"
        % (RUNS, "bytecode" if BYTECODE else "from source", BASE),
        flush=True,
    )
    print("%-16s %-16s %8s %8s %7s" % ("module", "platform", "base", "head", "ratio"))
    for module, platform in CASES:
        for path in paths.values():
            import_seconds(path, module, platform)  # warm-up: the bytecode, the page cache
        samples = {"base": [], "head": []}
        for run in range(RUNS):
            for name, path in paths.items():
                samples[name].append(import_seconds(path, module, platform))
        base, head = (statistics.median(samples[name]) * 1000 for name in ("base", "head"))
        print("%-16s %-16s %8.1f %8.1f %7.2f" % (module, platform, base, head, head / base), flush=True)


if __name__ == "__main__":
    main()
