"""Benchmark: what one wanfleet.routers task costs per host, against ansible.builtin.uri doing the same read.

One simulator (`--fleet N`, default 100) serves N Peplink routers at <base>/peplink/<serial>. The inventory
has one host per router (`ansible_connection: local`); each playbook is one task per host, forks 10:

  module          wanfleet.routers.device_info, platform peplink_router, authenticated with an API client
                  (client_id/client_secret -> auth.token.grant -> ?accessToken=). It sends four GETs per router
                  (info.firmware, status.system.info, status.wan.connection, config.ssid.profile) and builds the
                  device record. As users run it: through its action plugin, inside the controller's worker (no module process).
  module-process  the same task with `wanfleet_run_on_controller: false`: run as a module process, as it is
                  with a non-local connection (informative: what the action plugin saves).
  uri             ansible.builtin.uri: GET <router>/api/status.wan.connection?accessToken=<token>, one request.

"Equivalent" here: the same router, the same kind of credential, no login inside the timed run on either side.
The module's tokens come from its token cache (filled by an untimed warm-up run, as in any run after the first
task per router); uri's tokens are granted for the same API clients before the timed runs. uri has no way to
log in and read in one task, so the module's cookie login (username/password: login + logout per task) has no
one-task uri equivalent; BENCH_COOKIE=1 adds it as a third, informative contender (module-cookie).
The module does more than the baseline (four GETs, not one; records built and checked), so the ratio is
conservative. Every timed run is checked against the simulator's request log: exactly N x 4 (module) or N
(uri) GETs, no login, no grant, nothing else; and every host ok.

Measured, interleaved (the order alternates per run), BENCH_RUNS times each (default 3), medians of
  wall  the playbook's wall-clock time: the ratio module/uri is the target (<= 1.10);
  cpu   the CPU time (user+sys) of every process of the run (ansible-playbook, forks, module processes: the
        children's rusage) plus the simulator's (from /proc): what the tasks cost the machine. Not free of
        load either: ansible-playbook polls its workers every millisecond while it waits, so a longer run
        also burns more controller CPU.
Then, to show where a module process's time goes, the AnsiballZ payload of the module-process and uri tasks
(kept with ANSIBLE_KEEP_REMOTE_FILES=1) run BENCH_PAYLOAD_RUNS times (default 10) outside Ansible, CPU and
wall medians.

    make bench                      # or: PYTHONPATH=.:<collections path> python bench/bench_task_cost.py
    BENCH_RUNS=5 BENCH_HOSTS=100 BENCH_FORKS=10 BENCH_COOKIE=1 python bench/bench_task_cost.py
"""

from __future__ import annotations

import glob
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

import httpx
import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, ROOT)

from tests.simulator.process import AUTH_PATHS, Simulator  # noqa: E402  (the repository root is on the path now)

BIN = os.path.dirname(sys.executable)
RUNS = int(os.environ.get("BENCH_RUNS", "3"))
HOSTS = int(os.environ.get("BENCH_HOSTS", "100"))
FORKS = int(os.environ.get("BENCH_FORKS", "10"))
PAYLOAD_RUNS = int(os.environ.get("BENCH_PAYLOAD_RUNS", "10"))
COOKIE = os.environ.get("BENCH_COOKIE", "") not in ("", "0")
TARGET = 1.10

# Per playbook: the GETs each host sends (path suffixes) and whether logins are expected.
PLAYBOOKS = {
    "module": """
- hosts: all
  gather_facts: false
  tasks:
    - name: device_info
      wanfleet.routers.device_info:
        platform: peplink_router
        peplink_router:
          url: "{{ router_url }}"
          client_id: "{{ router_client_id }}"
          client_secret: "{{ router_client_secret }}"
""",
    "uri": """
- hosts: all
  gather_facts: false
  tasks:
    - name: uri
      ansible.builtin.uri:
        url: "{{ router_url }}/api/status.wan.connection?accessToken={{ router_token }}"
""",
    "module-cookie": """
- hosts: all
  gather_facts: false
  tasks:
    - name: device_info
      wanfleet.routers.device_info:
        platform: peplink_router
        peplink_router:
          url: "{{ router_url }}"
          username: admin
          password: admin
""",
}
# module-process: "module" run as a module process.
PLAYBOOKS["module-process"] = PLAYBOOKS["module"].replace("  tasks:", "  vars:\n    wanfleet_run_on_controller: false\n  tasks:")

# device_info's reads of one router (status.system.info: its name, model and serial)
MODULE_READS = {"GET /api/info.firmware": 1, "GET /api/status.system.info": 1, "GET /api/status.wan.connection": 1, "GET /api/config.ssid.profile": 1}
EXPECTED = {
    "module": MODULE_READS,
    "module-process": MODULE_READS,
    "uri": {"GET /api/status.wan.connection": 1},
    "module-cookie": dict(MODULE_READS, **{"POST /api/login": 1, "POST /api/logout": 1}),
}


def collections_path():
    """A collections path with this checkout as wanfleet.routers: the one set up by `make`, or a temporary one."""
    given = os.environ.get("ANSIBLE_COLLECTIONS_PATH")
    if given and os.path.isdir(os.path.join(given.split(os.pathsep)[0], "ansible_collections", "wanfleet", "routers")):
        return given
    base = tempfile.mkdtemp(prefix="wanfleet-bench-collections-")
    os.makedirs(os.path.join(base, "ansible_collections", "wanfleet"))
    os.symlink(ROOT, os.path.join(base, "ansible_collections", "wanfleet", "routers"))
    return base


def router_api_clients(sim, serials):
    """Per router: an API client (scope api) made with the admin login, and a token granted to it for uri."""
    found = {}
    with httpx.Client(timeout=30) as http:
        for serial in serials:
            base = sim.platform_url("peplink_router", serial) + "/api/"
            login = http.post(base + "login", json={"username": "admin", "password": "admin"})
            cookie = {"Cookie": "bauth=%s" % login.cookies["bauth"]}
            client = http.post(base + "auth.client", json={"action": "add", "name": "bench", "scope": "api"}, headers=cookie)
            client = client.json()["response"]
            http.post(base + "logout", json={}, headers=cookie)
            grant = http.post(base + "auth.token.grant", json={"clientId": client["clientId"], "clientSecret": client["clientSecret"], "scope": "api"}).json()
            assert grant["stat"] == "ok", grant
            found[serial] = (client["clientId"], client["clientSecret"], grant["response"]["accessToken"])
    return found


def write_inventory(path, sim, clients):
    hosts = {}
    for index, serial in enumerate(sorted(clients)):
        client_id, client_secret, token = clients[serial]
        hosts["router%03d" % index] = {
            "router_url": sim.platform_url("peplink_router", serial),
            "router_client_id": client_id,
            "router_client_secret": client_secret,
            "router_token": token,
        }
    with open(path, "w") as handle:
        group_vars = {"ansible_connection": "local", "ansible_python_interpreter": sys.executable}
        yaml.safe_dump({"all": {"hosts": hosts, "vars": group_vars}}, handle)


def run_playbook(name, work, env, limit=None):
    args = [os.path.join(BIN, "ansible-playbook"), "-i", os.path.join(work, "inventory.yml"), "-f", str(FORKS), os.path.join(work, name + ".yml")] + (
        ["-l", limit] if limit else []
    )
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    process = subprocess.run(args, env=env, cwd=work, capture_output=True, text=True, timeout=1800, check=False)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    recap = re.findall(r"^\S+\s+: ok=(\d+)\s+changed=\d+\s+unreachable=(\d+)\s+failed=(\d+)", process.stdout, re.M)
    hosts = 1 if limit else HOSTS
    if process.returncode != 0 or len(recap) != hosts or any(item != ("1", "0", "0") for item in recap):
        raise SystemExit("%s: ansible-playbook failed (rc %s):\n%s\n%s" % (name, process.returncode, process.stdout[-3000:], process.stderr[-3000:]))
    # Every process of the run (controller, forks, module processes) is waited for, so the children's
    # rusage holds all of its CPU time.
    return elapsed, after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime


def process_cpu(pid):
    """CPU seconds (user + system) a process has used so far, from /proc (the simulator: one process)."""
    with open("/proc/%d/stat" % pid) as handle:
        fields = handle.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / float(os.sysconf("SC_CLK_TCK"))


def check_requests(name, sim, hosts=HOSTS):
    """The request log of one run holds exactly the expected calls, once per host each."""
    counts = {}
    for entry in sim.requests():
        call = "%s /api/%s" % (entry["method"], entry["path"].rsplit("/api/", 1)[-1])
        counts[call] = counts.get(call, 0) + 1
        assert entry["status"] == 200, entry
    expected = dict((call, number * hosts) for call, number in EXPECTED[name].items())
    assert counts == expected, "%s sent %s, expected %s" % (name, counts, expected)
    sim.clear_requests()
    return sum(counts.values()), sum(number for call, number in counts.items() if call.endswith(AUTH_PATHS))


def payload_costs(names, work, env):
    """CPU and wall medians of each task's AnsiballZ payload run alone (outside Ansible), interleaved."""
    payloads = {}
    for name in names:
        remote = os.path.join(work, "keep-" + name)
        run_playbook(name, work, dict(env, ANSIBLE_KEEP_REMOTE_FILES="1", ANSIBLE_REMOTE_TMP=remote), limit="router000")
        payloads[name] = glob.glob(os.path.join(remote, "*", "AnsiballZ_*.py"))[0]
    cpu = dict((name, []) for name in names)
    wall = dict((name, []) for name in names)
    for _run in range(PAYLOAD_RUNS):
        for name in names:
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            process = subprocess.run([sys.executable, payloads[name]], env=env, capture_output=True, text=True, check=False)
            wall[name].append(time.perf_counter() - start)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu[name].append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
            if process.returncode != 0 or '"failed": true' in process.stdout:
                raise SystemExit("%s payload failed:\n%s\n%s" % (name, process.stdout[-2000:], process.stderr[-2000:]))
    for name in names:
        shutil.rmtree(os.path.join(work, "keep-" + name), ignore_errors=True)  # the payloads hold credentials
    return cpu, wall


def main():
    work = tempfile.mkdtemp(prefix="wanfleet-bench-task-")
    env = dict(os.environ)
    for name in list(env):
        if name.startswith(("PEPLINK_", "WANFLEET_", "ANSIBLE_")) and name != "ANSIBLE_COLLECTIONS_PATH":
            del env[name]
    env.update(
        {
            "ANSIBLE_COLLECTIONS_PATH": collections_path(),
            "ANSIBLE_NOCOLOR": "1",
            "ANSIBLE_RETRY_FILES_ENABLED": "0",
            "ANSIBLE_LOCAL_TEMP": os.path.join(work, "local-tmp"),
            "ANSIBLE_REMOTE_TMP": os.path.join(work, "remote-tmp"),
            "WANFLEET_CACHE_DIR": os.path.join(work, "tokens"),
        }
    )
    names = ["module", "module-process", "uri"] + (["module-cookie"] if COOKIE else [])
    process_names = ["module-process", "uri"]  # the contenders that start a module process per task
    for name in names:
        with open(os.path.join(work, name + ".yml"), "w") as handle:
            handle.write(PLAYBOOKS[name])
    print("%d hosts (one simulated Peplink router each), one task per host, forks %d, %d runs each (medians)" % (HOSTS, FORKS, RUNS), flush=True)
    started = time.perf_counter()
    walls = dict((name, []) for name in names)
    cpus = dict((name, []) for name in names)
    sim_cpus = dict((name, []) for name in names)
    with Simulator(fleet=HOSTS) as sim:
        serials = sorted(sim.state()["peplink"]["routers"])
        assert len(serials) == HOSTS, len(serials)
        write_inventory(os.path.join(work, "inventory.yml"), sim, router_api_clients(sim, serials))
        # Warm-up, untimed: fills the module's token cache (one grant per router) and Ansible's module cache.
        sim.clear_requests()
        for name in names:
            run_playbook(name, work, env)
        grants = [entry for entry in sim.requests() if entry["path"].endswith("/api/auth.token.grant")]
        assert len(grants) == HOSTS, "warm-up: %d token grants for %d routers" % (len(grants), HOSTS)
        sim.clear_requests()
        for run in range(RUNS):
            order = names if run % 2 == 0 else list(reversed(names))
            line = []
            for name in order:
                sim_before = process_cpu(sim.process.pid)
                wall, cpu = run_playbook(name, work, env)
                sim_cpus[name].append(process_cpu(sim.process.pid) - sim_before)
                cpu += sim_cpus[name][-1]
                walls[name].append(wall)
                cpus[name].append(cpu)
                sent, logins = check_requests(name, sim)
                line.append("%s %.1fs cpu %.1fs (%d requests, %d auth)" % (name, wall, cpu, sent, logins))
            print("run %d/%d: %s" % (run + 1, RUNS, ", ".join(line)), flush=True)
        payload_cpu, payload_wall = payload_costs(process_names, work, env)
        sim.clear_requests()
    shutil.rmtree(work, ignore_errors=True)

    wall = dict((name, statistics.median(values)) for name, values in walls.items())
    cpu = dict((name, statistics.median(values)) for name, values in cpus.items())
    print()
    print("%-14s %9s %13s %16s   %s" % ("playbook", "wall", "cpu per task", "simulator's part", "all runs: wall / cpu (s)"))
    for name in names:
        runs = "  ".join("%.1f/%.1f" % pair for pair in zip(walls[name], cpus[name]))
        print("%-14s %8.1fs %11.0fms %14.0fms   %s" % (name, wall[name], 1000.0 * cpu[name] / HOSTS, 1000.0 * statistics.median(sim_cpus[name]) / HOSTS, runs))
    print("(medians; cpu = user+system of every process of the run: ansible-playbook, its forks, the module")
    print(" processes, and the simulator's share)")
    print()
    print("module process alone (AnsiballZ payload run outside Ansible, %d runs each, medians):" % PAYLOAD_RUNS)
    for name in process_names:
        print("  %-13s cpu %4.0fms   wall %4.0fms" % (name, 1000 * statistics.median(payload_cpu[name]), 1000 * statistics.median(payload_wall[name])))
    print()
    ratio = wall["module"] / wall["uri"]
    print("ratio module/uri, wall       %.2f   (target <= %.2f: %s)" % (ratio, TARGET, "met" if ratio <= TARGET else "NOT met"))
    print("ratio module/uri, cpu        %.2f   (the same runs' CPU time, simulator included)" % (cpu["module"] / cpu["uri"]))
    print(
        "ratio module-process/uri     %.2f wall, %.2f cpu   (the same module run as a module process)"
        % (wall["module-process"] / wall["uri"], cpu["module-process"] / cpu["uri"])
    )
    if COOKIE:
        print(
            "ratio module-cookie/uri      %.2f wall, %.2f cpu   (login + logout in every task; informative)"
            % (wall["module-cookie"] / wall["uri"], cpu["module-cookie"] / cpu["uri"])
        )
    payload_ratio = statistics.median(payload_cpu["module-process"]) / statistics.median(payload_cpu["uri"])
    print("ratio payload cpu module-process/uri %.2f   (one module process against one uri process)" % payload_ratio)
    load = " ".join("%.1f" % value for value in os.getloadavg())
    print("(benchmark took %.0fs; machine: %d CPUs, load %s)" % (time.perf_counter() - started, os.cpu_count(), load))


if __name__ == "__main__":
    main()
