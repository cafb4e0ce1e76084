"""Benchmark: one InControl 2 organization's 20 requests/s shared by 4 controllers that cannot see each other.

An AWX job template with job slicing runs N `ansible-playbook` processes, each on a slice of the
inventory, on separate execution nodes: each has its own forks, token cache and rate-limit
schedule, and nothing but the platform's 429 answers tells one slice what the others do. This
benchmark runs the same on one machine against the simulator (`--fleet N`, default 1000; it enforces
IC2's documented 20 requests per second per organization, a sliding one-second window):

  slices        BENCH_SLICES (4) ansible-playbook processes at once, each `--limit`-ed to its slice of
                one inventory (every BENCH_SLICES-th host, as AWX deals them out), forks BENCH_SLICE_FORKS
                (5) each, each with its own WANFLEET_CACHE_DIR (token cache, locks, rate-limit state) and
                its own Ansible temporary folders: as separate nodes
  one process   for comparison, one ansible-playbook over every host, forks BENCH_FORKS (20)

Every host gets one `wan_priority` change (bench_rate_limit.py says which), so every device changes.
The simulator is reset to its seed before each run. Reported for each run: hosts done, changed,
failed; routers without their change; the organization's requests and 429s (share of all its
requests); accepted throughput (requests not refused / time from the first to the last) as a
fraction of the limit. Targets for the slices: 0 failed hosts, every router changed, throughput
>= 0.80 of the limit, 429s <= 5 % of the requests. Exit status 1 if a host failed or a router lacks
its change; the ratios are reported, not enforced (they depend on the machine).

    PYTHONPATH=.:.build/collections ANSIBLE_COLLECTIONS_PATH=.build/collections .venv/bin/python bench/bench_slices.py
    BENCH_DEVICES=200 BENCH_SLICES=4 python bench/bench_slices.py
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from bench_rate_limit import (  # noqa: E402  (bench/ is on the path now)
    DEVICES,
    FORKS,
    finish_playbook,
    measure,
    prepare,
    print_took,
    run_playbook,
    start_playbook,
    timed,
    write_playbook,
)
from tests.simulator.process import Simulator  # noqa: E402  (bench_rate_limit put the repository root on the path)

SLICES = int(os.environ.get("BENCH_SLICES", "4"))
SLICE_FORKS = int(os.environ.get("BENCH_SLICE_FORKS", "5"))
THROUGHPUT_TARGET = 0.80
REFUSED_TARGET = 0.05


def run_slices(sim, state, work):
    """SLICES ansible-playbook processes at once, each on its slice of the hosts. Returns (outcomes, wall, CPU)."""
    write_playbook(sim, state, work)
    names = sorted(router["name"] for router in state["peplink"]["routers"].values())
    tag = time.monotonic_ns()
    limits = []
    for index in range(SLICES):
        limits.append(os.path.join(work, "slice-%d-%d.txt" % (tag, index)))
        with open(limits[-1], "w") as handle:
            handle.write("\n".join(names[index::SLICES]) + "\n")

    def run():
        processes = [(start_playbook(work, "slice-%d-%d" % (tag, index), SLICE_FORKS, limits[index]), "slice-%d-%d" % (tag, index)) for index in range(SLICES)]
        return [outcome for process, name in processes for outcome in finish_playbook(process, work, name)]

    return timed(run)


def main():
    started = time.perf_counter()
    work = tempfile.mkdtemp(prefix="wanfleet-bench-slices-")
    try:
        with Simulator(fleet=DEVICES) as sim:
            state, org_id = prepare(sim, "%d slices of forks %d, and 1 process of forks %d" % (SLICES, SLICE_FORKS, FORKS))
            slices_ok, slices_fraction, slices_refused = measure(
                sim,
                state,
                org_id,
                "%d ansible-playbook processes at once (job slices), forks %d each, separate token caches" % (SLICES, SLICE_FORKS),
                run_slices,
                work,
                THROUGHPUT_TARGET,
            )
            one_ok, one_fraction, one_refused = measure(
                sim, state, org_id, "1 ansible-playbook process, forks %d" % FORKS, run_playbook, work, THROUGHPUT_TARGET
            )
            print(
                "ratios: throughput / limit = %.2f (%d slices), %.2f (1 process); target >= %.2f" % (slices_fraction, SLICES, one_fraction, THROUGHPUT_TARGET)
            )
            print("        429s / requests = %.3f (%d slices), %.3f (1 process); target <= %.2f" % (slices_refused, SLICES, one_refused, REFUSED_TARGET))
            print_took(started)
            return 0 if slices_ok and one_ok else 1
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
