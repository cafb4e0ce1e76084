"""`make demo`: the collection's main job, end to end, against the built-in simulator.

Starts the simulator with a small mixed fleet (seed `demo`: four devices per platform) and
provisions four sites with playbooks/site.yml — an NCM group with a new SSID and an alert rule,
an InControl 2 group SSID, one Peplink router's WAN priorities (rebooted by the role's handler
after the change) and a TelecomX device's 5 GHz SSID:

1. `--check --diff`: what would change (nothing is sent);
2. the real run: the same changes;
3. the same run again: nothing changes (idempotency);

then writes the fleet report (playbooks/fleet_report.yml), prints a short summary and stops the
simulator. Credentials reach the modules the way AWX credential types pass them: environment
variables only. Full logs go to .build/demo/. Exit status 0 only if the three runs agree.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
import time

import httpx
import yaml

from tests.simulator.process import ROOT, Simulator

BIN = os.path.dirname(sys.executable)
OUTPUT = os.path.join(ROOT, ".build", "demo")
RECAP = re.compile(
    r"^(?P<host>\S+)\s+: ok=(?P<ok>\d+)\s+changed=(?P<changed>\d+)\s+unreachable=(?P<unreachable>\d+)\s+"
    r"failed=(?P<failed>\d+)",
    re.M,
)
REPORT_COUNTS = re.compile(r"Fleet report: \S+ \((\d+ devices, \d+ offline)\)")
NCM_KEYS = {"X-CP-API-ID": "sim-cp-id", "X-CP-API-KEY": "sim-cp-key", "X-ECM-API-ID": "sim-ecm-id", "X-ECM-API-KEY": "sim-ecm-key"}


def environment(sim, cache_dir):
    """Credentials the way AWX injects them: environment variables only."""
    env = dict(os.environ)
    env.update(sim.credentials_environment())
    env.update(
        {
            "WANFLEET_CACHE_DIR": cache_dir,
            "ANSIBLE_LOCAL_TEMP": os.path.join(os.path.dirname(cache_dir), "ansible-local"),
            "ANSIBLE_REMOTE_TMP": os.path.join(os.path.dirname(cache_dir), "ansible-remote"),
            "ANSIBLE_LOCALHOST_WARNING": "0",
            "ANSIBLE_INVENTORY_UNPARSED_WARNING": "0",
            "ANSIBLE_NOCOLOR": "1",
            "ANSIBLE_RETRY_FILES_ENABLED": "0",
            "ANSIBLE_PYTHON_INTERPRETER": sys.executable,
            "PATH": BIN + os.pathsep + os.environ.get("PATH", ""),
        }
    )
    for name in ("PEPLINK_URL", "PEPLINK_CLIENT_ID", "PEPLINK_CLIENT_SECRET", "TELECOMX_TOKEN", "TELECOMX_CUSTOMER", "WANFLEET_PLATFORM"):
        env.pop(name, None)
    return env


def ncm_firmware_version(sim, router):
    """The NCOS version a router runs (the seed holds firmware ids; a person writes versions)."""
    response = httpx.get("%s/firmwares/%s/" % (sim.platform_url("ncm"), router["actual_firmware"]), headers=NCM_KEYS, timeout=30)
    response.raise_for_status()
    return response.json()["version"]


def sites(sim):
    """Four sites built from what the simulator's demo fleet holds (the inventory host variables)."""
    state = sim.state()
    online = sorted((router for router in state["ncm"]["routers"] if router["state"] == "online"), key=lambda router: router["name"])
    products = [router["product"] for router in online]
    product = max(sorted(set(products)), key=products.count)  # the product with the most online routers
    members = [router["name"] for router in online if router["product"] == product][:2]
    serial = sorted(state["peplink"]["routers"])[0]
    customer = [user["customer"] for user in state["telecomx"]["users"] if user["username"] == "manager@example.com"][0]
    telecomx_device = sorted(
        device["name"]
        for device in state["telecomx"]["devices"]
        if device["customer"] == customer and device["state"] == "ACTIVE" and device["modelType"] == "ROUTER"
    )[0]
    return {
        "stores-ncm": {
            "site_provision_platform": "ncm",
            "site_provision_group": {
                "name": "Demo stores",
                "product": product,
                "target_firmware": ncm_firmware_version(sim, [r for r in online if r["product"] == product][0]),
            },
            "site_provision_devices": members,
            "site_provision_ssids": [
                {
                    "name": "Demo-Staff",
                    "id": "0.1",
                    "enabled": True,
                    "security": "wpa2_personal",
                    "passphrase": "demo-staff-passphrase",
                    "update_passphrase": "on_create",
                }
            ],
            "site_provision_alert_rules": [{"alert_types": ["connection_state", "failover_event"], "schedule": "none"}],
        },
        "branches-incontrol": {
            "site_provision_platform": "incontrol",
            "site_provision_group": {"name": "Branches"},
            "site_provision_ssids": [{"name": "Branch-Guest", "enabled": True, "broadcast": True, "security": "open"}],
        },
        "hq-router": {
            "site_provision_platform": "peplink_router",
            "site_provision_connection": {"peplink_router": {"url": sim.platform_url("peplink_router", serial)}},
            "site_provision_wan": [{"connections": [{"id": "1", "priority": 1, "enabled": True}, {"id": "2", "priority": 1, "enabled": True}]}],
            "site_provision_reboot_on": ["wan"],
            "site_provision_reboot_sleep": 1,
            "site_provision_reboot_timeout": 60,
        },
        "depot-telecomx": {
            "site_provision_platform": "telecomx",
            "site_provision_ssids": [{"name": "Depot-5G", "device": telecomx_device, "band": "5", "enabled": True, "passphrase": "depot-5g-passphrase"}],
        },
    }


def run_playbook(args, env, log):
    """ansible-playbook with its output in `log`; returns (returncode, {host: recap counts}, stdout)."""
    process = subprocess.run([os.path.join(BIN, "ansible-playbook")] + args, env=env, cwd=ROOT, capture_output=True, text=True, check=False)
    with open(log, "w") as handle:
        handle.write(process.stdout + process.stderr)
    recap = dict(
        (match.group("host"), dict((key, int(value)) for key, value in match.groupdict().items() if key != "host")) for match in RECAP.finditer(process.stdout)
    )
    if process.returncode != 0:
        print(process.stdout[-3000:] + process.stderr[-2000:])
        print("FAILED (rc=%d); full log: %s" % (process.returncode, log))
    return process.returncode, recap, process.stdout


def read_summaries(path):
    with open(path) as handle:
        return dict((summary["site"], summary) for summary in json.load(handle))


def main():
    started = time.monotonic()
    os.makedirs(OUTPUT, exist_ok=True)
    print("Starting the simulator (seed: demo, four devices per platform) ...", flush=True)
    with Simulator(seed="demo", settings={"reboot_seconds": 2}) as sim, tempfile.TemporaryDirectory() as work:
        env = environment(sim, os.path.join(work, "tokens"))
        inventory = os.path.join(OUTPUT, "sites.yml")
        with open(inventory, "w") as handle:
            handle.write("# Written by `make demo`: the demo's sites, as inventory hosts of group wanfleet_sites.\n")
            yaml.safe_dump({"wanfleet_sites": {"hosts": sites(sim)}}, handle, sort_keys=False)
        runs = []
        for label, extra in (("check", ["--check", "--diff"]), ("run 1", []), ("run 2", [])):
            print("ansible-playbook playbooks/site.yml %s(%s) ..." % (" ".join(extra) + " " if extra else "", label), flush=True)
            name = label.replace(" ", "-")
            summary_path = os.path.join(OUTPUT, "site-%s.json" % name)
            rc, recap = run_playbook(
                ["-i", inventory, "playbooks/site.yml", "-e", "wanfleet_summary_path=%s" % summary_path] + extra,
                env,
                os.path.join(OUTPUT, "site-%s.log" % name),
            )[:2]
            if rc != 0:
                return 1
            runs.append((label, recap, read_summaries(summary_path)))
        report = os.path.join(OUTPUT, "fleet-report.html")
        print("ansible-playbook playbooks/fleet_report.yml ...", flush=True)
        rc, output = run_playbook(["playbooks/fleet_report.yml", "-e", "wanfleet_report_path=%s" % report], env, os.path.join(OUTPUT, "fleet-report.log"))[
            0::2
        ]  # returncode, stdout
        if rc != 0:
            return 1
        counts = REPORT_COUNTS.search(output)
        report_counts = counts.group(1) if counts else "see %s" % os.path.join(OUTPUT, "fleet-report.log")
        served = len(sim.requests())
    # The simulator has stopped here (end of the with block).
    return print_summary(runs, (report, report_counts), served, time.monotonic() - started)


CHANGES = ("created", "changed", "removed", "rebooted")


def changes(summary):
    """{(target, kind, name): status} of what changed (or would), and the keys of what check mode could not see."""
    done = dict(((entry["target"], entry["kind"], entry["name"]), entry["status"]) for entry in summary["results"] if entry["status"] in CHANGES)
    pending = set((entry["target"], entry["kind"], entry["name"]) for entry in summary["results"] if entry["status"] == "pending")
    return done, pending


def print_summary(runs, report, served, elapsed):
    check, first, second = [summaries for label, recap, summaries in runs]
    second_recap = runs[2][1]
    hosts = sorted(first)
    print()
    print("Changes per site (objects created, changed or rebooted; from the role's summary):")
    print("  %-20s %-15s %-12s %6s %6s" % ("site", "platform", "--check", "run 1", "run 2"))
    agree = True
    any_pending = False
    for host in hosts:
        predicted, pending = changes(check[host])
        applied = dict((key, status) for key, status in changes(first[host])[0].items() if key not in pending)
        agree = agree and predicted == applied
        any_pending = any_pending or bool(pending)
        predicted_text = "%d%s" % (len(predicted), " (+%d)" % len(pending) if pending else "")
        counts = (len(changes(first[host])[0]), len(changes(second[host])[0]))
        print("  %-20s %-15s %-12s %6d %6d" % ((host, first[host]["platform"], predicted_text) + counts))
    if any_pending:
        print("  (+N): settings of a group that does not exist yet; check mode cannot read them")
    print()
    print("What run 1 did:")
    for host in hosts:
        for target, texts in first[host]["changes"].items():
            for text in texts:
                print("  %-20s %s: %s" % (host, target, text))
    second_changes = sum(counts["changed"] for host, counts in second_recap.items() if host in hosts)
    print()
    print("--check predicted run 1: %s" % ("yes" if agree else "NO"))
    print("Run 2 (idempotency): %s" % ("nothing changed" if second_changes == 0 else "%d CHANGES - not idempotent" % second_changes))
    print("Fleet report: %s (%s; open it in a browser)" % report)
    print("Inventory, logs and summaries: %s" % OUTPUT)
    print("Simulator stopped after %d requests; the demo took %.0f s." % (served, elapsed))
    return 0 if second_changes == 0 and agree else 1


if __name__ == "__main__":
    sys.exit(main())
