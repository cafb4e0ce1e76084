"""Benchmark: a per-device change on 1,000 InControl 2 devices, forks 20, against IC2's 20 requests/s per organization.

The simulator (`--fleet N`, default 1000) enforces InControl 2's documented limit: 20 requests per second
per organization, a sliding one-second window, HTTP 429 beyond it. The inventory has one host per IC2
device (`ansible_connection: local`); the playbook is one task per host, forks 20:

    wanfleet.routers.wan_priority  platform: incontrol  device: <the host's device name>
                                   connections: [{id: <its first enabled WAN>, priority: <another one>}]

so every host changes (one devapi POST each) after its reads (the organization's device list, the device's
WAN status through the device API). The forks share one rate limiter (a schedule in the run's token-cache
directory, flock-ed) and one token; nothing else coordinates them.

Reported, from the simulator's request log and the play's results:
  failed hosts        must be 0 (a 429 is retried; the limiter should make them rare)
  changed hosts       must be N (and the simulator's routers must hold the new priorities)
  org requests        requests counted against the organization's limit (/rest/o/<org>/...)
  throughput          org requests / (last - first request time), and as a fraction of the limit (target >= 0.85)
  429s                answers over the limit; busiest one-second window
  wall, CPU           of the playbook; CPU seconds per host (what bounds throughput on a small controller)

    make bench                      # or: PYTHONPATH=.:<collections path> python bench/bench_rate_limit.py
    BENCH_DEVICES=200 BENCH_FORKS=20 python bench/bench_rate_limit.py
"""

from __future__ import annotations

import bisect
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, ROOT)

from tests.simulator.process import Simulator  # noqa: E402  (the repository root is on the path now)

BIN = os.path.dirname(sys.executable)
CALLBACKS = os.path.join(ROOT, "tests", "integration", "callback_plugins")
DEVICES = int(os.environ.get("BENCH_DEVICES", "1000"))
FORKS = int(os.environ.get("BENCH_FORKS", "20"))
LIMIT = 20.0  # InControl 2: requests per second per organization (the simulator's incontrol_rate_limit)
TARGET = 0.85


def collections_path():
    """A collections path with this checkout as wanfleet.routers: the one set up by `make`, or a temporary one."""
    given = os.environ.get("ANSIBLE_COLLECTIONS_PATH")
    if given and os.path.isdir(os.path.join(given.split(os.pathsep)[0], "ansible_collections", "wanfleet", "routers")):
        return given
    base = tempfile.mkdtemp(prefix="wanfleet-bench-collections-")
    os.makedirs(os.path.join(base, "ansible_collections", "wanfleet"))
    os.symlink(ROOT, os.path.join(base, "ansible_collections", "wanfleet", "routers"))
    return base


def change_for(router):
    """The host's change: its first enabled WAN connection to another priority (1-4)."""
    wans = router["running"]["wan"]
    wan_id = next(key for key in sorted(wans, key=int) if wans[key]["enable"])
    current = wans[wan_id]["priority"]
    return [{"id": wan_id, "priority": 1 if current != 1 else 2}]


def inventory(state):
    hosts = {}
    for router in state["peplink"]["routers"].values():
        hosts[router["name"]] = {"ansible_connection": "local", "bench_connections": change_for(router)}
    return {"all": {"hosts": hosts}}


def busiest_window(times):
    """The most requests in any one-second window."""
    times = sorted(times)
    return max((bisect.bisect_right(times, start + 1.0 - 1e-9) - index for index, start in enumerate(times)), default=0)


def main():
    started = time.perf_counter()
    work = tempfile.mkdtemp(prefix="wanfleet-bench-ratelimit-")
    try:
        with Simulator(fleet=DEVICES) as sim:
            state = sim.state()
            org_id = state["incontrol"]["organizations"][0]["id"]
            with open(os.path.join(work, "hosts.yml"), "w") as handle:
                yaml.safe_dump(inventory(state), handle)
            play = [{
                "name": "bench rate limit", "hosts": "all", "gather_facts": False,
                "module_defaults": {"group/wanfleet.routers.all": {
                    "platform": "incontrol",
                    "incontrol": {"url": sim.url, "client_id": "sim-client", "client_secret": "sim-secret", "organization": "sim-org"},
                }},
                "tasks": [{"name": "wan priority", "wanfleet.routers.wan_priority": {
                    "device": "{{ inventory_hostname }}", "connections": "{{ bench_connections }}"}}],
            }]
            with open(os.path.join(work, "play.yml"), "w") as handle:
                yaml.safe_dump(play, handle, sort_keys=False)
            results = os.path.join(work, "results.jsonl")
            env = dict((name, value) for name, value in os.environ.items()
                       if not name.startswith(("INCONTROL_", "PEPLINK_", "X_CP_", "X_ECM_", "TELECOMX_", "CP_BASE_URL", "WANFLEET_")))
            env.update({
                "ANSIBLE_COLLECTIONS_PATH": collections_path(),
                "ANSIBLE_CALLBACK_PLUGINS": CALLBACKS,
                "ANSIBLE_CALLBACKS_ENABLED": "record_results",
                "ANSIBLE_NOCOLOR": "1",
                "ANSIBLE_RETRY_FILES_ENABLED": "0",
                "ANSIBLE_HOST_KEY_CHECKING": "0",
                "ANSIBLE_PYTHON_INTERPRETER": sys.executable,
                "ANSIBLE_LOCAL_TEMP": os.path.join(work, "local-tmp"),
                "ANSIBLE_REMOTE_TMP": os.path.join(work, "remote-tmp"),
                "WANFLEET_CACHE_DIR": os.path.join(work, "token-cache"),
                "WANFLEET_RESULTS_FILE": results,
            })
            sim.clear_requests()
            command = [os.path.join(BIN, "ansible-playbook"), "-i", os.path.join(work, "hosts.yml"),
                       os.path.join(work, "play.yml"), "--forks", str(FORKS)]
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            wall = time.perf_counter()
            process = subprocess.run(command, env=env, cwd=work, capture_output=True, text=True, timeout=7200, check=False)
            wall = time.perf_counter() - wall
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)

            entries = []
            if os.path.exists(results):
                with open(results) as handle:
                    entries = [json.loads(line) for line in handle]
            failed = [entry for entry in entries if entry["status"] == "failed"]
            changed = [entry for entry in entries if entry["status"] == "ok" and entry["result"].get("changed")]
            log = sim.requests()
            org = [entry for entry in log if entry["path"].startswith("/rest/o/%s/" % org_id) or entry["path"] == "/rest/o"]
            limited = [entry for entry in org if entry["status"] == 429]
            times = [entry["time"] for entry in org]
            span = (max(times) - min(times)) if len(times) > 1 else 0.0
            rate = len(org) / span if span else 0.0
            tokens = sum(1 for entry in log if entry["path"] == "/api/oauth2/token")

            final = sim.state()["peplink"]["routers"]
            wrong = 0
            for router in state["peplink"]["routers"].values():
                serial = next(key for key, value in final.items() if value["name"] == router["name"])
                for item in change_for(router):
                    if final[serial]["running"]["wan"][item["id"]]["priority"] != item["priority"]:
                        wrong += 1

            print("fleet: %d InControl 2 devices (one organization), forks %d, limit %d requests/s per organization"
                  % (DEVICES, FORKS, LIMIT))
            print("hosts: %d recorded, %d changed, %d failed; routers without the new priority: %d"
                  % (len(entries), len(changed), len(failed), wrong))
            print("org requests: %d (%.2f per host), token requests: %d, HTTP 429: %d, busiest 1 s window: %d requests"
                  % (len(org), len(org) / float(DEVICES), tokens, len(limited), busiest_window(times)))
            print("throughput: %.2f requests/s over %.1f s = %.2f of the limit (target >= %.2f)"
                  % (rate, span, rate / LIMIT, TARGET))
            print("playbook: wall %.1f s, CPU %.1f s (%.2f CPU s per host); rc %d"
                  % (wall, cpu, cpu / float(DEVICES), process.returncode))
            if failed:
                print("first failure: %s" % failed[0]["result"].get("msg"))
            if not entries:
                print(process.stdout[-2000:], process.stderr[-2000:])
            load = ", ".join("%.1f" % value for value in os.getloadavg())
            print("(benchmark took %.0fs; machine: %d CPUs, load %s)" % (time.perf_counter() - started, os.cpu_count(), load))
            return 0 if entries and not failed and not wrong and rate / LIMIT >= TARGET else 1
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
