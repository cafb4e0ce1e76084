"""Benchmark: a per-device change on 1,000 InControl 2 devices, forks 20, against IC2's 20 requests/s per organization.

The simulator (`--fleet N`, default 1000) enforces InControl 2's documented limit: 20 requests per second
per organization, a sliding one-second window, HTTP 429 beyond it. Each device gets one change:

    wanfleet.routers.wan_priority  platform: incontrol  device: <the device's name>
                                   connections: [{id: <its first enabled WAN>, priority: <another one>}]

so every device changes (one device-API POST each) after its reads (the organization's device list, the
device's WAN status through the device API). Two runs, the simulator reset to its seed before each:

  ansible-playbook   the real thing: one inventory host per device (`ansible_connection: local`), one
                     task, forks 20. The forks share one token and one rate-limiter schedule (a file in
                     the run's token-cache directory, flock-ed); nothing else coordinates them.
  module code alone  the same module (its main(), tests/integration/files/inprocess.py) for the same
                     devices in 20 processes sharing the token cache and the schedule, without
                     ansible-playbook: what the client and its limiter sustain when the controller's
                     CPU is not the bottleneck (Ansible costs about a CPU-second per task).

Reported for each, from the simulator's request log and the results:
  hosts               done, changed (must be N), failed (must be 0); and the simulator's routers must
                      hold the new priorities
  org requests        requests counted against the organization's limit (/rest/o/...), per host; 429s
                      (each retried); the busiest one-second window
  throughput          accepted org requests (not 429) / (last - first request time), as a fraction of the
                      limit (target >= 0.85); the rate sent, 429s included, beside it
  wall, CPU           CPU of the run's processes (ansible-playbook and its forks and modules, or the 20
                      workers): with CPU s per host x hosts / cores above N x requests per host / 20, the
                      controller, not the limit, sets the pace

Exit status 1 if a host failed or a router lacks its change; the throughput is reported, not enforced
(it depends on the machine).

    make bench                      # or: PYTHONPATH=.:<collections path> python bench/bench_rate_limit.py
    BENCH_DEVICES=200 BENCH_FORKS=20 python bench/bench_rate_limit.py
    BENCH_TIMELINE=5 ...            # also the accepted and refused requests of every 5 seconds
"""

from __future__ import annotations

import bisect
import json
import multiprocessing
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
SKIP_PLAYBOOK = os.environ.get("BENCH_SKIP_PLAYBOOK", "") not in ("", "0")  # for a quick look at the client alone
LIMIT = 20.0  # InControl 2: requests per second per organization (the simulator's incontrol_rate_limit)
TARGET = 0.85
TIMELINE = int(os.environ.get("BENCH_TIMELINE", "0"))  # > 0: also print the requests of every that many seconds


def collections_path():
    """A collections path with this checkout as wanfleet.routers: the one set up by `make`, or a temporary one."""
    given = os.environ.get("ANSIBLE_COLLECTIONS_PATH")
    if given and os.path.isdir(os.path.join(given.split(os.pathsep)[0], "ansible_collections", "wanfleet", "routers")):
        return os.pathsep.join(os.path.abspath(path) for path in given.split(os.pathsep))  # the playbooks run elsewhere
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


def write_playbook(sim, state, work):
    """hosts.yml (one host per device) and play.yml (one wan_priority task) in `work`."""
    with open(os.path.join(work, "hosts.yml"), "w") as handle:
        yaml.safe_dump(inventory(state), handle)
    play = [
        {
            "name": "bench rate limit",
            "hosts": "all",
            "gather_facts": False,
            "module_defaults": {"group/wanfleet.routers.all": {"platform": "incontrol", "incontrol": credentials_for(sim.url)}},
            "tasks": [
                {"name": "wan priority", "wanfleet.routers.wan_priority": {"device": "{{ inventory_hostname }}", "connections": "{{ bench_connections }}"}}
            ],
        }
    ]
    with open(os.path.join(work, "play.yml"), "w") as handle:
        yaml.safe_dump(play, handle, sort_keys=False)


def start_playbook(work, name, forks, limit_file=None, extra_env=None):
    """Start ansible-playbook on work/hosts.yml and work/play.yml as a controller of its own: its own
    token cache (and rate-limit schedule), temporary folders and results file, all under work/name."""
    home = os.path.join(work, name)
    os.makedirs(home)
    env = dict(
        (key, value)
        for key, value in os.environ.items()
        if not key.startswith(("INCONTROL_", "PEPLINK_", "X_CP_", "X_ECM_", "TELECOMX_", "CP_BASE_URL", "WANFLEET_"))
    )
    env.update(
        {
            "ANSIBLE_COLLECTIONS_PATH": collections_path(),
            "ANSIBLE_CALLBACK_PLUGINS": CALLBACKS,
            "ANSIBLE_CALLBACKS_ENABLED": "record_results",
            "ANSIBLE_NOCOLOR": "1",
            "ANSIBLE_RETRY_FILES_ENABLED": "0",
            "ANSIBLE_PYTHON_INTERPRETER": sys.executable,
            "ANSIBLE_LOCAL_TEMP": os.path.join(home, "local-tmp"),
            "ANSIBLE_REMOTE_TMP": os.path.join(home, "remote-tmp"),
            "WANFLEET_CACHE_DIR": os.path.join(home, "token-cache"),
            "WANFLEET_RESULTS_FILE": os.path.join(home, "results.jsonl"),
        }
    )
    env.update(extra_env or {})
    command = [os.path.join(BIN, "ansible-playbook"), "-i", os.path.join(work, "hosts.yml"), os.path.join(work, "play.yml"), "--forks", str(forks)]
    if limit_file:
        command += ["--limit", "@" + limit_file]
    return subprocess.Popen(command, env=env, cwd=work, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def finish_playbook(process, work, name):
    """Wait for a playbook started by start_playbook; its outcomes: [(ok | changed | failed, msg)]."""
    output = process.communicate(timeout=7200)[0]
    results = os.path.join(work, name, "results.jsonl")
    entries = []
    if os.path.exists(results):
        with open(results) as handle:
            entries = [json.loads(line) for line in handle]
    if not entries:
        print(output[-3000:])
    return [
        ("failed" if entry["status"] == "failed" else "changed" if entry["result"].get("changed") else "ok", entry["result"].get("msg")) for entry in entries
    ]


def timed(run):
    """run() -> outcomes; returns (outcomes, wall, CPU of the child processes)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    wall = time.perf_counter()
    outcomes = run()
    wall = time.perf_counter() - wall
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return outcomes, wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def run_playbook(sim, state, work):
    """The real thing: ansible-playbook, one host per device, forks FORKS. Returns (outcomes, wall, CPU)."""
    write_playbook(sim, state, work)
    name = "playbook-%d" % time.monotonic_ns()
    return timed(lambda: finish_playbook(start_playbook(work, name, FORKS), work, name))


def _client_worker(job):
    """One of FORKS processes: the module's code (main(), in this process) for its share of the devices."""
    url, cache_dir, items = job
    os.environ["WANFLEET_CACHE_DIR"] = cache_dir
    from tests.integration.files.inprocess import run_module

    outcomes = []
    for name, connections in items:
        result = run_module("wan_priority", {"platform": "incontrol", "incontrol": dict(credentials_for(url)), "device": name, "connections": connections})
        outcomes.append(("failed" if result.get("failed") else "changed" if result.get("changed") else "ok", result.get("msg")))
    return outcomes


def credentials_for(url):
    return {"url": url, "client_id": "sim-client", "client_secret": "sim-secret", "organization": "sim-org"}


def run_clients(sim, state, work):
    """The module's code without ansible-playbook: FORKS processes share the devices (and the token cache
    and rate-limiter schedule) as forks do. Shows what the client and its limiter sustain when the
    controller's CPU is not the bottleneck. Returns (outcomes, wall, CPU)."""
    items = sorted((router["name"], change_for(router)) for router in state["peplink"]["routers"].values())
    cache_dir = os.path.join(work, "token-cache-clients")
    jobs = [(sim.url, cache_dir, items[index::FORKS]) for index in range(FORKS)]

    def run():
        with multiprocessing.get_context("fork").Pool(FORKS) as pool:
            return [outcome for chunk in pool.map(_client_worker, jobs) for outcome in chunk]

    return timed(run)


def server_priority(sim):
    """Run the simulator ahead of the controller's processes where allowed (nice -10).

    It stands for InControl's servers, which do not share the controller's CPU. On a small, busy
    machine a starved simulator handles a backlog of requests at once, and its one-second window (it
    stamps requests when it handles them, not when they arrive) then counts requests the client had
    spaced out: 429s the real service would not send.
    """
    try:
        os.setpriority(os.PRIO_PROCESS, sim.process.pid, -10)
    except (AttributeError, OSError):
        return "unchanged (not permitted)"
    return "nice -10"


def measure(sim, state, org_id, label, runner, work, target=TARGET):
    """Run `runner` against a freshly reset simulator and print its figures; returns (all hosts changed and
    no failure, accepted throughput / limit, share of the organization's requests answered 429)."""
    sim.reset()
    sim.clear_requests()
    outcomes, wall, cpu = runner(sim, state, work)
    log = sim.requests()
    org = [entry for entry in log if entry["path"].startswith("/rest/o/%s/" % org_id) or entry["path"] == "/rest/o"]
    times = [entry["time"] for entry in org]
    span = (max(times) - min(times)) if len(times) > 1 else 0.0
    refused = sum(1 for entry in org if entry["status"] == 429)
    # What counts is the work the platform accepted: a refused request used the budget for nothing.
    rate = (len(org) - refused) / span if span else 0.0
    final = sim.state()["peplink"]["routers"]
    by_name = dict((value["name"], value) for value in final.values())
    wrong = sum(
        1
        for router in state["peplink"]["routers"].values()
        for item in change_for(router)
        if by_name[router["name"]]["running"]["wan"][item["id"]]["priority"] != item["priority"]
    )
    failed = [msg for status, msg in outcomes if status == "failed"]
    print("%s:" % label)
    print(
        "  hosts: %d done, %d changed, %d failed; routers without the new priority: %d"
        % (len(outcomes), sum(1 for status, msg in outcomes if status == "changed"), len(failed), wrong)
    )
    refused_share = refused / float(len(org)) if org else 0.0
    print(
        "  org requests: %d (%.2f per host), token requests: %d, HTTP 429 (retried): %d = %.1f %% of the requests, "
        "busiest 1 s window: %d"
        % (
            len(org),
            len(org) / float(DEVICES),
            sum(1 for entry in log if entry["path"] == "/api/oauth2/token"),
            refused,
            100.0 * refused_share,
            busiest_window(times),
        )
    )
    print(
        "  throughput: %.2f accepted requests/s (%.2f sent) over %.1f s = %.2f of the limit (target >= %.2f)"
        % (rate, len(org) / span if span else 0.0, span, rate / LIMIT, target)
    )
    print("  wall %.1f s, CPU %.1f s (%.2f CPU s per host)" % (wall, cpu, cpu / float(DEVICES)))
    if TIMELINE and times:
        seconds = {}
        for entry in org:
            counts = seconds.setdefault(int(entry["time"] - min(times)) // TIMELINE, [0, 0])
            counts[entry["status"] == 429] += 1
        print(
            "  every %d s from the first request, accepted/429: %s"
            % (TIMELINE, " ".join("%d/%d" % tuple(seconds.get(index, (0, 0))) for index in range(max(seconds) + 1)))
        )
    if failed:
        print("  first failure: %s" % failed[0])
    return len(outcomes) == DEVICES and not failed and not wrong, rate / LIMIT, refused_share


def prepare(sim, setting):
    """The simulator ahead of the controller, the set-up printed; returns (the seed's state, the organization id)."""
    priority = server_priority(sim)
    state = sim.state()
    print(
        "fleet: %d InControl 2 devices (one organization), %s, limit %d requests/s per organization; "
        "machine: %d CPUs; simulator priority: %s" % (DEVICES, setting, LIMIT, os.cpu_count(), priority)
    )
    return state, state["incontrol"]["organizations"][0]["id"]


def print_took(started):
    load = ", ".join("%.1f" % value for value in os.getloadavg())
    print("(benchmark took %.0fs; machine: %d CPUs, load %s)" % (time.perf_counter() - started, os.cpu_count(), load))


def main():
    started = time.perf_counter()
    work = tempfile.mkdtemp(prefix="wanfleet-bench-ratelimit-")
    try:
        with Simulator(fleet=DEVICES) as sim:
            state, org_id = prepare(sim, "forks %d" % FORKS)
            clients_ok, clients_fraction, _refused = measure(sim, state, org_id, "module code in %d processes, no ansible-playbook" % FORKS, run_clients, work)
            playbook_ok, playbook_fraction = True, 0.0
            if not SKIP_PLAYBOOK:
                playbook_ok, playbook_fraction, _refused = measure(sim, state, org_id, "ansible-playbook, forks %d" % FORKS, run_playbook, work)
            print("ratios: throughput / limit = %.2f (ansible-playbook), %.2f (module code alone); target %.2f" % (playbook_fraction, clients_fraction, TARGET))
            print_took(started)
            return 0 if clients_ok and playbook_ok else 1
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
