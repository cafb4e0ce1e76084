"""`make demo`: the main job on the built-in simulator.

Starts the simulator with a small mixed fleet, provisions three sites with
playbooks/site.yml (an NCM group, an InControl 2 group, one Peplink router)
twice — the second run must change nothing — writes the fleet report, prints
a summary and stops the simulator.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile

import yaml

from tests.simulator.process import ROOT, Simulator

BIN = os.path.dirname(sys.executable)
OUTPUT = os.path.join(ROOT, ".build", "demo")
RECAP = re.compile(r"^(?P<host>\S+)\s+: ok=(?P<ok>\d+)\s+changed=(?P<changed>\d+)\s+unreachable=(?P<unreachable>\d+)\s+"
                   r"failed=(?P<failed>\d+)", re.M)


def environment(sim, cache_dir):
    """Credentials the way AWX injects them: environment variables only."""
    env = dict(os.environ)
    env.update({
        "INCONTROL_URL": sim.url, "INCONTROL_CLIENT_ID": "sim-client", "INCONTROL_CLIENT_SECRET": "sim-secret",
        "INCONTROL_ORG": "sim-org",
        "CP_BASE_URL": sim.platform_url("ncm"), "X_CP_API_ID": "sim-cp-id", "X_CP_API_KEY": "sim-cp-key",
        "X_ECM_API_ID": "sim-ecm-id", "X_ECM_API_KEY": "sim-ecm-key",
        "TELECOMX_URL": sim.url, "TELECOMX_USERNAME": "manager@example.com", "TELECOMX_PASSWORD": "sim-password",
        "PEPLINK_USERNAME": "admin", "PEPLINK_PASSWORD": "admin",
        "WANFLEET_CACHE_DIR": cache_dir,
        "ANSIBLE_LOCALHOST_WARNING": "0", "ANSIBLE_INVENTORY_UNPARSED_WARNING": "0", "ANSIBLE_NOCOLOR": "1",
        "ANSIBLE_PYTHON_INTERPRETER": sys.executable,
        "PATH": BIN + os.pathsep + os.environ.get("PATH", ""),
    })
    return env


def sites(sim):
    """Three sites built from what the simulator's demo fleet holds."""
    state = sim.state()
    ncm_routers = sorted(state["ncm"]["routers"], key=lambda router: router["name"])
    product = ncm_routers[0]["product"]
    same_product = [router["name"] for router in ncm_routers if router["product"] == product and router["state"] == "online"]
    serial = sorted(state["peplink"]["routers"])[0]
    return {
        "stores-ncm": {
            "site_provision_platform": "ncm",
            "site_provision_group": {"name": "Demo stores", "product": product},
            "site_provision_devices": same_product[:2],
            "site_provision_ssids": [{"name": "Demo-Staff", "id": "0.1", "enabled": True, "security": "wpa2_personal",
                                      "passphrase": "demo-staff-passphrase", "update_passphrase": "on_create"}],
            "site_provision_alert_rules": [{"alert_types": ["connection_state", "failover_event"],
                                            "email_recipients": [], "schedule": "none"}],
        },
        "branches-incontrol": {
            "site_provision_platform": "incontrol",
            "site_provision_group": {"name": "Branches"},
            "site_provision_ssids": [{"name": "Branch-Guest", "enabled": True, "broadcast": True, "security": "open"}],
        },
        "hq-router": {
            "site_provision_platform": "peplink_router",
            "site_provision_connection": {"peplink_router": {"url": sim.platform_url("peplink_router", serial)}},
            "site_provision_wan": [{"connections": [{"id": "1", "priority": 1, "enabled": True},
                                                    {"id": "2", "priority": 2, "enabled": True}]}],
        },
    }


def run_playbook(args, env):
    process = subprocess.run([os.path.join(BIN, "ansible-playbook")] + args, env=env, cwd=ROOT,
                             capture_output=True, text=True, check=False)
    recap = dict((match.group("host"), dict((key, int(value)) for key, value in match.groupdict().items() if key != "host"))
                 for match in RECAP.finditer(process.stdout))
    return process, recap


def main():
    os.makedirs(OUTPUT, exist_ok=True)
    print("Starting the simulator (seed: demo) ...", flush=True)
    with Simulator(seed="demo", settings={"reboot_seconds": 2}) as sim, tempfile.TemporaryDirectory() as work:
        env = environment(sim, os.path.join(work, "tokens"))
        inventory = os.path.join(work, "sites.yml")
        with open(inventory, "w") as handle:
            yaml.safe_dump({"wanfleet_sites": {"hosts": dict((name, dict(site, site_provision_name=name))
                                                             for name, site in sites(sim).items())}}, handle)
        runs = []
        for attempt in (1, 2):
            print("Running playbooks/site.yml (run %d) ..." % attempt, flush=True)
            process, recap = run_playbook(["-i", inventory, "playbooks/site.yml"], env)
            log = os.path.join(OUTPUT, "site-run-%d.log" % attempt)
            with open(log, "w") as handle:
                handle.write(process.stdout + process.stderr)
            if process.returncode != 0:
                print(process.stdout[-4000:] + process.stderr[-2000:])
                print("site.yml run %d failed (rc=%d); full log: %s" % (attempt, process.returncode, log))
                return 1
            runs.append(recap)
        report = os.path.join(OUTPUT, "fleet-report.html")
        print("Writing the fleet report ...", flush=True)
        process = run_playbook(["playbooks/fleet_report.yml", "-e", "wanfleet_report_path=%s" % report], env)[0]
        if process.returncode != 0:
            print(process.stdout[-4000:] + process.stderr[-2000:])
            return 1
        requests = sim.requests()
    print()
    print("Demo summary")
    print("%-22s %12s %12s" % ("site", "run 1 changed", "run 2 changed"))
    for host in sorted(runs[0]):
        print("%-22s %12d %12d" % (host, runs[0][host]["changed"], runs[1].get(host, {}).get("changed", -1)))
    second_changes = sum(host["changed"] for host in runs[1].values())
    print("Second run: %s" % ("no changes (idempotent)" if second_changes == 0 else "%d CHANGES" % second_changes))
    print("Requests the simulator served: %d" % len(requests))
    print("Fleet report: %s" % report)
    print("Logs: %s" % OUTPUT)
    print(json.dumps({"second_run_changes": second_changes}))
    return 0 if second_changes == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
