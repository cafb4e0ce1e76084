"""Benchmark: the API requests each module sends, per platform, on a change and on an unchanged re-run.

One simulator (`--seed default`), reset to its seed before each case. For every module x platform of
SPEC section 3, a task that changes something (chosen from the seed), run twice by ansible-playbook:

  change    the first run: the task converges the object (changed: true, at least one write).
            The token cache starts empty, so the run's one authentication is counted here.
  re-run    the same task again, a new ansible-playbook with the token cache kept (as on one controller):
            changed: false, reads only, no write, no authentication where the platform uses tokens.
            (reboot always reboots; its second run is in check mode, which must send no write.)

Counted from the simulator's request log: reads (GET), writes (anything else but authentication) and
auth (logins and token grants; a cookie session's logout is counted with them). peplink_router is driven
with an API client of the router (client_id/client_secret -> auth.token.grant, cached); one extra row
shows device_info with the cookie login (username/password), which logs in and out in every task.

Then the token cache, per platform: one playbook of many tasks (device_info and every module, each
twice), the cache starting empty: the run must authenticate at most once per credential.

A module that does not work yet on a platform is reported as "not available" (with its message), not
a crash.

    make bench                      # or: PYTHONPATH=.:<collections path> python bench/bench_api_calls.py
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

import httpx
import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, ROOT)

from tests.simulator.process import Simulator  # noqa: E402  (the repository root is on the path now)

BIN = os.path.dirname(sys.executable)
CALLBACKS = os.path.join(ROOT, "tests", "integration", "callback_plugins")
# Requests that authenticate: logins and token grants (the logout of a cookie session is counted with them).
LOGINS = ("/api/oauth2/token", "/api/login", "/api/auth.token.grant", "/auth/login")
LOGOUTS = ("/api/logout", "/auth/logout")
PASSPHRASE = "Bench-passphrase-2026"
REBOOT_SECONDS = 1  # how long a simulated device stays down after a reboot
NCM_HEADERS = {"X-CP-API-ID": "sim-cp-id", "X-CP-API-KEY": "sim-cp-key", "X-ECM-API-ID": "sim-ecm-id", "X-ECM-API-KEY": "sim-ecm-key"}


# ---- the cases: module, platform, arguments from the seed --------------------------------------


def ncm_router(state, product):
    return next(item for item in state["ncm"]["routers"] if item["product"] == product)["name"]


def peplink_named(state, name):
    return next(serial for serial, item in state["peplink"]["routers"].items() if item["name"] == name)


def first_router(state):
    return sorted(state["peplink"]["routers"])[0]


# (module, platform, label, router for peplink_router (state -> serial) or None, arguments (state -> dict))
CASES = [
    ("device_info", "peplink_router", "", first_router, lambda state: {}),
    ("device_info", "peplink_router", "cookie login", first_router, lambda state: {}),
    ("device_info", "incontrol", "", None, lambda state: {}),
    ("device_info", "ncm", "", None, lambda state: {}),
    ("device_info", "telecomx", "", None, lambda state: {}),
    (
        "ssid_profile",
        "peplink_router",
        "",
        lambda state: peplink_named(state, "router-001"),
        lambda state: dict(id="2", name="Guest SSID", vlan_id=30, broadcast=False, passphrase=PASSPHRASE),
    ),
    ("ssid_profile", "incontrol", "", None, lambda state: dict(group="Branches", name="Branch WiFi", vlan_id=20, passphrase=PASSPHRASE, broadcast=False)),
    (
        "ssid_profile",
        "ncm",
        "",
        None,
        lambda state: dict(
            device=ncm_router(state, "IBR900"),
            name="Guest",
            band="2.4",
            security="wpa2_personal",
            passphrase=PASSPHRASE,
            broadcast=False,
            update_passphrase="on_create",
        ),
    ),
    (
        "ssid_profile",
        "telecomx",
        "",
        None,
        lambda state: dict(device="tx-site-0001", band="5", name="Guest", enabled=True, security="wpa2_personal", passphrase=PASSPHRASE),
    ),
    ("wan_priority", "peplink_router", "", first_router, lambda state: dict(connections=[{"name": "Cellular", "priority": 1}, {"id": "1", "priority": 2}])),
    (
        "wan_priority",
        "incontrol",
        "",
        None,
        lambda state: dict(device="router-002", connections=[{"name": "Cellular", "priority": 1}, {"id": "1", "priority": 2}]),
    ),
    (
        "wan_priority",
        "ncm",
        "",
        None,
        lambda state: dict(
            device=ncm_router(state, "IBR900"),
            connections=[{"name": "LTE", "priority": 2}, {"name": "WiFi as WAN", "enabled": False}, {"id": "0", "priority": 1}],
        ),
    ),
    ("group", "incontrol", "", None, lambda state: dict(name="Warehouse", timezone="Europe/Copenhagen", country="dk", devices=["router-003"])),
    ("group", "ncm", "", None, lambda state: dict(name="Stores", product="IBR900", target_firmware="7.24.10", devices=[ncm_router(state, "IBR900")])),
    (
        "alert_rule",
        "ncm",
        "",
        None,
        lambda state: dict(
            alert_types=["failover_event", "connection_state"],
            groups=["Depots AER2200"],
            email_recipients=["Grace.Hopper@example.com"],
            http_destinations=["noc-webhook"],
            schedule="hourly",
        ),
    ),
    (
        "telecomx_device",
        "telecomx",
        "",
        None,
        lambda state: dict(
            mac_address="00:11:22:33:44:55",
            name="Aarhus office",
            model="XVS-200",
            notes="rack 2",
            wifi={"enabled": True, "ssid": "Office", "password": PASSPHRASE},
        ),
    ),
    ("reboot", "peplink_router", "", first_router, lambda state: {}),
    ("reboot", "incontrol", "", None, lambda state: dict(device="router-001")),
    ("reboot", "ncm", "", None, lambda state: dict(device=ncm_router(state, "IBR900"))),
]


# ---- running playbooks --------------------------------------------------------------------------


def collections_path():
    """A collections path with this checkout as wanfleet.routers: the one set up by `make`, or a temporary one."""
    given = os.environ.get("ANSIBLE_COLLECTIONS_PATH")
    if given and os.path.isdir(os.path.join(given.split(os.pathsep)[0], "ansible_collections", "wanfleet", "routers")):
        return given
    base = tempfile.mkdtemp(prefix="wanfleet-bench-collections-")
    os.makedirs(os.path.join(base, "ansible_collections", "wanfleet"))
    os.symlink(ROOT, os.path.join(base, "ansible_collections", "wanfleet", "routers"))
    return base


class Runner(object):
    def __init__(self, work):
        self.work = work
        self.count = 0
        env = dict(
            (name, value)
            for name, value in os.environ.items()
            if not name.startswith(("INCONTROL_", "PEPLINK_", "X_CP_", "X_ECM_", "TELECOMX_", "CP_BASE_URL", "WANFLEET_"))
        )
        env.update(
            {
                "ANSIBLE_COLLECTIONS_PATH": collections_path(),
                "ANSIBLE_CALLBACK_PLUGINS": CALLBACKS,
                "ANSIBLE_CALLBACKS_ENABLED": "record_results",
                "ANSIBLE_NOCOLOR": "1",
                "ANSIBLE_RETRY_FILES_ENABLED": "0",
                "ANSIBLE_LOCALHOST_WARNING": "0",
                "ANSIBLE_INVENTORY_UNPARSED_WARNING": "0",
                "ANSIBLE_PYTHON_INTERPRETER": sys.executable,
                "ANSIBLE_LOCAL_TEMP": os.path.join(work, "local-tmp"),
                "ANSIBLE_REMOTE_TMP": os.path.join(work, "remote-tmp"),
            }
        )
        self.env = env

    def fresh_token_cache(self):
        self.count += 1
        self.env["WANFLEET_CACHE_DIR"] = os.path.join(self.work, "tokens-%d" % self.count)

    def run(self, tasks, defaults, check=False):
        """Run one play on localhost; returns the recorded task results [{task, status, result}]."""
        self.count += 1
        play = {
            "name": "bench",
            "hosts": "localhost",
            "connection": "local",
            "gather_facts": False,
            "module_defaults": {"group/wanfleet.routers.all": defaults},
            "tasks": tasks,
        }
        playbook = os.path.join(self.work, "play%d.yml" % self.count)
        results = os.path.join(self.work, "results%d.jsonl" % self.count)
        with open(playbook, "w") as handle:
            yaml.safe_dump([play], handle, sort_keys=False)
        args = [os.path.join(BIN, "ansible-playbook"), "-i", "localhost,", playbook] + (["--check"] if check else [])
        process = subprocess.run(
            args, env=dict(self.env, WANFLEET_RESULTS_FILE=results), cwd=self.work, capture_output=True, text=True, timeout=900, check=False
        )
        entries = []
        if os.path.exists(results):
            with open(results) as handle:
                entries = [json.loads(line) for line in handle]
        if not entries:
            raise RuntimeError("ansible-playbook recorded no task (rc %s):\n%s\n%s" % (process.returncode, process.stdout[-2000:], process.stderr[-2000:]))
        return entries


def router_client(sim, serial):
    """An API client (scope api) on one router, made with the admin login: (client_id, client_secret)."""
    base = sim.platform_url("peplink_router", serial) + "/api/"
    with httpx.Client(timeout=30) as http:
        login = http.post(base + "login", json={"username": "admin", "password": "admin"})
        cookie = {"Cookie": "bauth=%s" % login.cookies["bauth"]}
        client = http.post(base + "auth.client", json={"action": "add", "name": "bench", "scope": "api"}, headers=cookie)
        http.post(base + "logout", json={}, headers=cookie)
    client = client.json()["response"]
    return client["clientId"], client["clientSecret"]


def credentials(sim, serial=None, client=None):
    """module_defaults for every platform; peplink_router with the API client if given, else admin/admin."""
    router = {"url": sim.platform_url("peplink_router", serial)}
    if client:
        router.update(client_id=client[0], client_secret=client[1])
    else:
        router.update(username="admin", password="admin")
    return {
        "incontrol": {"url": sim.url, "client_id": "sim-client", "client_secret": "sim-secret", "organization": "sim-org"},
        "peplink_router": router,
        "ncm": {"url": sim.platform_url("ncm"), "cp_api_id": "sim-cp-id", "cp_api_key": "sim-cp-key", "ecm_api_id": "sim-ecm-id", "ecm_api_key": "sim-ecm-key"},
        "telecomx": {"url": sim.url, "username": "manager@example.com", "password": "sim-password"},
    }


def tally(entries):
    """(reads, writes, auth) of request log entries."""
    reads = sum(1 for entry in entries if entry["method"] in ("GET", "HEAD"))
    auth = sum(1 for entry in entries if entry["path"].endswith(LOGINS + LOGOUTS))
    return reads, len(entries) - reads - auth, auth


def logins(entries):
    return sum(1 for entry in entries if entry["path"].endswith(LOGINS))


def task_entry(module, platform, title, args):
    return {"name": title, "ignore_errors": True, "wanfleet.routers." + module: dict(args, platform=platform)}


def failure_of(entries):
    failed = [entry for entry in entries if entry["status"] == "failed"]
    if not failed:
        return None
    message = str(failed[0]["result"].get("msg") or failed[0]["result"]).splitlines()[0]
    return message[:110] + ("..." if len(message) > 110 else "")


# ---- the two measurements -----------------------------------------------------------------------


def measure_case(sim, runner, case):
    """One row: the first run and the re-run (check mode for reboot), or 'not available'."""
    module, platform, label, router_of, args_of = case
    sim.reset()
    state = sim.state()
    serial = router_of(state) if router_of else first_router(state)
    client = router_client(sim, serial) if platform == "peplink_router" and label != "cookie login" else None
    defaults = credentials(sim, serial, client)
    args = args_of(state)
    row = {"module": module, "platform": platform + (" (%s)" % label if label else ""), "runs": []}
    runner.fresh_token_cache()
    for check in (False, module == "reboot"):
        if check:
            wait_until_back(sim, platform, args)  # check mode reboots online devices only
        sim.clear_requests()
        entries = runner.run([task_entry(module, platform, module, args)], defaults, check=check)
        log = sim.requests()
        problem = failure_of(entries)
        if problem:
            row["unavailable"] = problem
            return row
        reads, writes, auth = tally(log)
        row["runs"].append(
            {"changed": bool(entries[-1]["result"].get("changed")), "reads": reads, "writes": writes, "auth": auth, "check": check, "total": len(log)}
        )
    return row


def wait_until_back(sim, platform, args, timeout=30):
    """Wait until every simulated router is online again after a reboot."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        time.sleep(REBOOT_SECONDS)
        if platform == "ncm":
            # NCM's simulated events (back online) advance when its API is called
            httpx.get(sim.platform_url("ncm") + "/routers/", params={"name": args["device"]}, headers=NCM_HEADERS, timeout=30)
            back = all(item["state"] == "online" for item in sim.state()["ncm"]["routers"] if item["name"] == args["device"])
        else:
            back = all(item["online"] for item in sim.state()["peplink"]["routers"].values())
        if back:
            return
    raise RuntimeError("the rebooted device did not come back within %ss" % timeout)


def verdict(row):
    """What the row shows, checked against SPEC: a change writes; a re-run (or check mode) sends no write, no change."""
    if "unavailable" in row:
        return "not available"
    first, again = row["runs"]
    notes = []
    if row["module"] == "device_info":
        if first["writes"] or first["changed"]:
            notes.append("A READ WROTE")
    elif not first["changed"] or not first["writes"]:
        notes.append("first run did not change")
    if again["changed"] or again["writes"]:
        notes.append("RE-RUN WROTE" if again["writes"] else "RE-RUN CHANGED")
    return "; ".join(notes) or "ok"


def token_cache_proof(sim, runner, platform):
    """One playbook: device_info and each module's change task twice, cache empty at the start.

    Returns (tasks, logins, failed tasks)."""
    sim.reset()
    state = sim.state()
    tasks = []
    serial = first_router(state)
    for module, case_platform, label, router_of, args_of in CASES:
        if case_platform != platform or module == "reboot" or label:
            continue
        if router_of and router_of(state) != serial:
            continue  # one credential per run: the cases on the first router only
        tasks.append(task_entry(module, platform, "%s 1" % module, args_of(state)))
        tasks.append(task_entry(module, platform, "%s 2" % module, args_of(state)))
    client = router_client(sim, serial) if platform == "peplink_router" else None
    runner.fresh_token_cache()
    sim.clear_requests()
    entries = runner.run(tasks, credentials(sim, serial, client))
    log = sim.requests()
    failed = sum(1 for entry in entries if entry["status"] == "failed")
    return len(tasks), logins(log), len(log), failed


def cell(run):
    text = "%d: %dr %dw %da" % (run["total"], run["reads"], run["writes"], run["auth"])
    return text + (" chg" if run["changed"] else "")


def main():
    work = tempfile.mkdtemp(prefix="wanfleet-bench-calls-")
    runner = Runner(work)
    started = time.perf_counter()
    rows, proofs = [], []
    with Simulator(seed="default", settings={"reboot_seconds": REBOOT_SECONDS, "provisioning_seconds": 1}) as sim:
        for case in CASES:
            try:
                rows.append(measure_case(sim, runner, case))
            except Exception as exc:  # a broken case is reported, the others still run
                rows.append({"module": case[0], "platform": case[1], "runs": [], "unavailable": "bench error: %s" % exc})
            print("measured %s %s" % (case[0], case[1] + (" (%s)" % case[2] if case[2] else "")), flush=True)
        for platform in ("peplink_router", "incontrol", "ncm", "telecomx"):
            try:
                proofs.append((platform,) + token_cache_proof(sim, runner, platform))
            except Exception as exc:
                proofs.append((platform, 0, 0, 0, "bench error: %s" % exc))
    shutil.rmtree(work, ignore_errors=True)

    print()
    print("Requests per task run (total: r reads, w writes, a auth = logins/grants/logouts; chg = changed)")
    print("%-16s %-30s %-22s %-34s %s" % ("module", "platform", "1st run (cache empty)", "re-run (cache kept)", "check"))
    for row in rows:
        if "unavailable" in row:
            print("%-16s %-30s not available: %s" % (row["module"], row["platform"], row["unavailable"]))
            continue
        first, again = row["runs"]
        print(
            "%-16s %-30s %-22s %-34s %s"
            % (row["module"], row["platform"], cell(first), cell(again) + (" (check mode)" if again["check"] else ""), verdict(row))
        )
    print("(Each run is a new ansible-playbook with one task. The 1st run changes the object (device_info only reads);")
    print(" the re-run must send no write. reboot always reboots, so its second run is --check, which must send no write.)")
    print()
    print("Token cache: one playbook of many tasks, cache empty at the start (at most one login per credential per run)")
    print("%-16s %6s %8s %9s  %s" % ("platform", "tasks", "logins", "requests", "check"))
    for platform, tasks, login_count, total, failed in proofs:
        if isinstance(failed, str):
            print("%-16s not available: %s" % (platform, failed))
            continue
        expected = 0 if platform == "ncm" else 1  # NCM sends its API keys as headers: there is no login
        status = "ok" if login_count <= expected else "MORE THAN ONE LOGIN"
        if failed:
            status += " (%d task(s) failed: not available yet)" % failed
        print("%-16s %6d %8d %9d  %s" % (platform, tasks, login_count, total, status))
    print("(benchmark took %.0fs)" % (time.perf_counter() - started))


if __name__ == "__main__":
    main()
